//! A TCP proxy on loopback that misbehaves on request, for the sync fault tests and the throttled
//! benchmark: cut the connection after the request went through, delay answers, deliver a request
//! twice, refuse connections, or limit the bandwidth. It runs on its own runtime thread so that
//! plain (blocking) tests can use it.

#![allow(dead_code)] // each test binary uses a different part of it

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    None,
    /// Forward the request, then drop the connection when the answer starts (the server committed,
    /// the client never hears it).
    CutAfterRequest,
    /// Hold the answer back this long.
    DelayAnswer(Duration),
    /// Send each request a second time on a fresh connection (its answer is thrown away).
    Duplicate,
    /// Close every new connection at once (link down).
    Refuse,
}

struct Control {
    upstream: Mutex<SocketAddr>,
    fault: Mutex<Fault>,
    /// How many more requests the fault applies to (then back to `None`).
    fault_budget: AtomicU32,
    bytes_per_sec: AtomicU64,
    pub bytes_up: AtomicU64,
    pub bytes_down: AtomicU64,
    pub faults_done: AtomicU32,
}

pub struct Proxy {
    pub addr: SocketAddr,
    control: Arc<Control>,
    _runtime: tokio::runtime::Runtime,
}

impl Proxy {
    pub fn start(upstream: SocketAddr) -> Proxy {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let control = Arc::new(Control {
            upstream: Mutex::new(upstream),
            fault: Mutex::new(Fault::None),
            fault_budget: AtomicU32::new(0),
            bytes_per_sec: AtomicU64::new(0),
            bytes_up: AtomicU64::new(0),
            bytes_down: AtomicU64::new(0),
            faults_done: AtomicU32::new(0),
        });
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
        let addr = listener.local_addr().unwrap();
        let c = control.clone();
        runtime.spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                tokio::spawn(connection(client, c.clone()));
            }
        });
        Proxy { addr, control, _runtime: runtime }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Applies `fault` to the next `times` POST requests (Refuse: to every connection until cleared).
    pub fn fault(&self, fault: Fault, times: u32) {
        *self.control.fault.lock().unwrap() = fault;
        self.control.fault_budget.store(times, Ordering::SeqCst);
    }

    pub fn clear(&self) {
        self.fault(Fault::None, 0);
    }

    pub fn faults_done(&self) -> u32 {
        self.control.faults_done.load(Ordering::SeqCst)
    }

    /// 0 = unlimited. Applies to each direction separately.
    pub fn throttle(&self, bytes_per_sec: u64) {
        self.control.bytes_per_sec.store(bytes_per_sec, Ordering::SeqCst);
    }

    pub fn set_upstream(&self, upstream: SocketAddr) {
        *self.control.upstream.lock().unwrap() = upstream;
    }

    /// Bytes client → server and server → client so far.
    pub fn bytes(&self) -> (u64, u64) {
        (self.control.bytes_up.load(Ordering::SeqCst), self.control.bytes_down.load(Ordering::SeqCst))
    }

    pub fn reset_counters(&self) {
        self.control.bytes_up.store(0, Ordering::SeqCst);
        self.control.bytes_down.store(0, Ordering::SeqCst);
    }
}

impl Control {
    /// Takes one use of the current fault, if any is left.
    fn take_fault(&self) -> Fault {
        let fault = *self.fault.lock().unwrap();
        if fault == Fault::None {
            return Fault::None;
        }
        if fault == Fault::Refuse {
            return fault;
        }
        let took = self.fault_budget.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| b.checked_sub(1)).is_ok();
        if took {
            self.faults_done.fetch_add(1, Ordering::SeqCst);
            fault
        } else {
            Fault::None
        }
    }
}

/// Sends at most `rate` bytes per second on average since `start`.
struct Pace {
    start: Instant,
    sent: u64,
}

impl Pace {
    async fn wait(&mut self, n: usize, rate: u64) {
        self.sent += n as u64;
        if rate > 0 {
            let due = self.start + Duration::from_secs_f64(self.sent as f64 / rate as f64);
            tokio::time::sleep_until(due.into()).await;
        }
    }
}

async fn connection(mut client: TcpStream, c: Arc<Control>) {
    if *c.fault.lock().unwrap() == Fault::Refuse {
        c.faults_done.fetch_add(1, Ordering::SeqCst);
        return;
    }
    let upstream_addr = *c.upstream.lock().unwrap();
    let Ok(mut upstream) = TcpStream::connect(upstream_addr).await else { return };
    let _ = client.set_nodelay(true);
    let _ = upstream.set_nodelay(true);
    let (mut client_r, mut client_w) = client.split();
    let (mut up_r, mut up_w) = upstream.split();
    let awaiting_answer = AtomicBool::new(false);
    let request = Mutex::new(Vec::<u8>::new());

    let to_server = async {
        let mut buf = vec![0u8; 16 * 1024];
        let mut pace = Pace { start: Instant::now(), sent: 0 };
        loop {
            let n = match client_r.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            pace.wait(n, c.bytes_per_sec.load(Ordering::SeqCst)).await;
            if up_w.write_all(&buf[..n]).await.is_err() {
                break;
            }
            c.bytes_up.fetch_add(n as u64, Ordering::SeqCst);
            if !awaiting_answer.swap(true, Ordering::SeqCst) {
                request.lock().unwrap().clear();
            }
            request.lock().unwrap().extend_from_slice(&buf[..n]);
        }
        let _ = up_w.shutdown().await;
    };
    let to_client = async {
        let mut buf = vec![0u8; 16 * 1024];
        let mut pace = Pace { start: Instant::now(), sent: 0 };
        loop {
            let n = match up_r.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            // Faults hit uploads only (POST), not the small GETs around them.
            if awaiting_answer.swap(false, Ordering::SeqCst) && request.lock().unwrap().starts_with(b"POST ") {
                match c.take_fault() {
                    Fault::CutAfterRequest => return,
                    Fault::DelayAnswer(by) => tokio::time::sleep(by).await,
                    Fault::Duplicate => {
                        let again = request.lock().unwrap().clone();
                        tokio::spawn(replay(upstream_addr, again));
                    }
                    Fault::None | Fault::Refuse => {}
                }
            }
            pace.wait(n, c.bytes_per_sec.load(Ordering::SeqCst)).await;
            if client_w.write_all(&buf[..n]).await.is_err() {
                break;
            }
            c.bytes_down.fetch_add(n as u64, Ordering::SeqCst);
        }
    };
    // Whichever side ends first ends the connection (a cut drops both).
    tokio::select! {
        _ = to_server => {}
        _ = to_client => {}
    }
}

/// The same request bytes again on a fresh connection; the answer is read and dropped.
async fn replay(upstream: SocketAddr, request: Vec<u8>) {
    if let Ok(mut s) = TcpStream::connect(upstream).await {
        if s.write_all(&request).await.is_ok() {
            let mut sink = vec![0u8; 4096];
            let _ = tokio::time::timeout(Duration::from_secs(30), async {
                while let Ok(n) = s.read(&mut sink).await {
                    if n == 0 {
                        break;
                    }
                }
            })
            .await;
        }
    }
}
