//! Where the hub listens, and switching it live when a supervisor turns LAN access on or off.
//!
//! `Listen::Setting { port }` follows the `lan_access` setting (`App::lan_access`, sent by
//! `settings.update` after its commit): off, the hub listens on 127.0.0.1:PORT only; on, on
//! 0.0.0.0:PORT instead (which includes 127.0.0.1). One socket at a time: the old one is closed
//! before the new one is bound, because a listening 127.0.0.1:PORT and 0.0.0.0:PORT conflict on
//! Linux. Connections already open keep being served; a request arriving on a connection the LAN
//! listener accepted after LAN access was turned off is refused and the connection closed, except
//! from the hub PC itself. `Listen::Fixed(addr)` (`loket serve --listen ADDR`, `LOKET_HUB_LISTEN`)
//! is the address as given, never rebound, whatever the setting says.
//!
//! HTTPS: a listener that can be reached from the LAN (`Listen::Setting`, or a fixed address that
//! is not loopback) has the office's TLS configuration (`tls.rs`). Each connection's first byte
//! tells a TLS ClientHello (0x16) from plain HTTP, on the same port, in its own task (a slow client
//! never holds up the others). TLS is served to anyone; plain HTTP only to the hub PC itself
//! (127.0.0.1 — the desktop window and the local browser keep `http://127.0.0.1:PORT`). Plain HTTP
//! from another computer is marked (`Peer::insecure`) and `lan_gate` answers it with a redirect to
//! the same address over https, except `/ca.crt`, which a PC must be able to fetch before it trusts
//! the office CA. A listener made from a bare `TcpListener` (tests, benchmarks) is plain HTTP only.

use super::tls::{Names, OfficeTls};
use crate::app::App;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};

/// A client that has not sent its first byte or finished its TLS handshake by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The hub PC itself: the desktop window's own browser tabs and `loket` scripts. Only these two
/// exact addresses: the rest of 127/8 counts as another computer (the tests use 127.0.0.2).
pub fn is_this_computer(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.octets() == [127, 0, 0, 1],
        IpAddr::V6(v6) => v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.octets() == [127, 0, 0, 1]),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listen {
    /// This address, whatever `lan_access` says.
    Fixed(SocketAddr),
    /// 127.0.0.1:port, or 0.0.0.0:port while `lan_access` is on; rebinds when it changes.
    Setting { port: u16 },
}

/// The peer of one connection, as the routes see it (`ConnectInfo<Peer>`).
#[derive(Debug, Clone)]
pub struct Peer {
    pub addr: SocketAddr,
    /// Set when the listener that accepted this connection was closed because LAN access was
    /// turned off.
    lan_closed: Arc<AtomicBool>,
    /// Plain HTTP from another computer on a listener that has TLS.
    insecure: bool,
}

impl Peer {
    /// Plain HTTP from another computer to a LAN listener: answered with a redirect to https.
    pub fn insecure(&self) -> bool {
        self.insecure
    }

    /// This connection came in while LAN access was on, LAN access is now off, and the client is
    /// not the hub PC itself.
    pub fn refused(&self) -> bool {
        self.lan_closed.load(Ordering::Relaxed) && !is_this_computer(self.addr.ip())
    }
}

impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, HubListener>> for Peer {
    fn connect_info(stream: axum::serve::IncomingStream<'_, HubListener>) -> Self {
        stream.remote_addr().clone()
    }
}

/// The hub's listening socket, which replaces itself when the setting changes.
pub struct HubListener {
    current: Option<TcpListener>,
    /// The flag the current socket's connections carry.
    lan_closed: Arc<AtomicBool>,
    lan_now: bool,
    /// `None` for a fixed address (or once the App is gone).
    follow: Option<(u16, watch::Receiver<bool>)>,
    bound: watch::Sender<Option<SocketAddr>>,
    /// The office certificates, on a listener the LAN can reach.
    tls: Option<Arc<OfficeTls>>,
    /// Where to load them from at the first switch to the LAN, when the hub started before setup.
    data_dir: Option<std::path::PathBuf>,
    /// Connections whose first byte (and TLS handshake) came in, from their own tasks.
    ready_tx: mpsc::Sender<(HubIo, Peer)>,
    ready_rx: mpsc::Receiver<(HubIo, Peer)>,
}

/// One accepted connection: plain HTTP or TLS.
pub enum HubIo {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::server::TlsStream<TcpStream>>),
}

macro_rules! delegate {
    ($self:ident, $io:ident => $e:expr) => {
        match $self.get_mut() {
            HubIo::Plain($io) => {
                let $io = Pin::new($io);
                $e
            }
            HubIo::Tls($io) => {
                let $io = Pin::new(&mut **$io);
                $e
            }
        }
    };
}

impl AsyncRead for HubIo {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        delegate!(self, io => io.poll_read(cx, buf))
    }
}

impl AsyncWrite for HubIo {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        delegate!(self, io => io.poll_write(cx, buf))
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        delegate!(self, io => io.poll_flush(cx))
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        delegate!(self, io => io.poll_shutdown(cx))
    }
    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        delegate!(self, io => io.poll_write_vectored(cx, bufs))
    }
    fn is_write_vectored(&self) -> bool {
        match self {
            HubIo::Plain(io) => io.is_write_vectored(),
            HubIo::Tls(io) => io.is_write_vectored(),
        }
    }
}

/// Reads nothing: waits for the first byte and tells TLS from plain HTTP, then handshakes.
async fn classify(stream: TcpStream, mut peer: Peer, tls: Arc<OfficeTls>) -> Option<(HubIo, Peer)> {
    let mut first = [0u8; 1];
    let n = tokio::time::timeout(HANDSHAKE_TIMEOUT, stream.peek(&mut first)).await.ok()?.ok()?;
    if n == 0 {
        return None;
    }
    if first[0] != 0x16 {
        peer.insecure = !is_this_computer(peer.addr.ip());
        return Some((HubIo::Plain(stream), peer));
    }
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.server_config());
    match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await {
        Ok(Ok(s)) => Some((HubIo::Tls(Box::new(s)), peer)),
        Ok(Err(e)) => {
            // Mostly a browser that does not trust the office CA yet.
            tracing::debug!(client = %peer.addr, error = %e, "TLS handshake failed");
            None
        }
        Err(_) => None,
    }
}

fn address(port: u16, lan: bool) -> SocketAddr {
    SocketAddr::from((if lan { Ipv4Addr::UNSPECIFIED } else { Ipv4Addr::LOCALHOST }, port))
}

impl HubListener {
    /// Binds as `listen` says, now; an address in use is an error here (and only here).
    pub async fn bind(app: &App, listen: Listen) -> std::io::Result<HubListener> {
        match listen {
            Listen::Fixed(addr) => {
                let mut me = HubListener::from(TcpListener::bind(addr).await?);
                if !addr.ip().is_loopback() {
                    me.tls = Some(office_tls(app).await?);
                }
                Ok(me)
            }
            Listen::Setting { port } => {
                let mut rx = app.lan_access.subscribe();
                let lan = *rx.borrow_and_update();
                // Before setup nobody can turn LAN access on: the CA is made by setup, named after
                // the office, and loaded at the first switch to the LAN.
                let set_up = app.store.read(crate::setup::load_office).ok().flatten().is_some();
                let tls = if set_up || lan { Some(office_tls(app).await?) } else { None };
                let listener = TcpListener::bind(address(port, lan)).await?;
                let mut me = HubListener::from(listener);
                me.lan_now = lan;
                me.follow = Some((port, rx));
                me.tls = tls;
                me.data_dir = Some(app.data_dir.clone());
                Ok(me)
            }
        }
    }

    /// The address listened on now, or `None` while no socket could be bound; changes on each
    /// rebind (the tests wait on it).
    pub fn bound(&self) -> watch::Receiver<Option<SocketAddr>> {
        self.bound.subscribe()
    }

    /// The office certificates this listener serves TLS with (none: plain HTTP only).
    pub fn tls(&self) -> Option<Arc<OfficeTls>> {
        self.tls.clone()
    }

    async fn rebind(&mut self, lan: bool) {
        let Some((port, _)) = self.follow else { return };
        if lan == self.lan_now && self.current.is_some() {
            return;
        }
        // Close first: the two addresses overlap.
        self.current = None;
        if self.lan_now && !lan {
            self.lan_closed.store(true, Ordering::Relaxed);
        }
        self.lan_closed = Arc::new(AtomicBool::new(false));
        if lan && self.tls.is_none() {
            if let Some(dir) = self.data_dir.clone() {
                match open_tls(dir, None).await {
                    Ok(t) => self.tls = Some(t),
                    Err(e) => tracing::error!(error = %e, "LAN access not opened"),
                }
            }
        }
        // LAN access is HTTPS only: without certificates the hub stays on 127.0.0.1.
        let lan = lan && self.tls.is_some();
        self.lan_now = lan;
        let addr = address(port, lan);
        if let (true, Some(tls)) = (lan, self.tls.clone()) {
            refresh(tls).await;
        }
        match TcpListener::bind(addr).await {
            Ok(l) => {
                tracing::info!(%addr, "hub listening");
                self.current = Some(l);
            }
            // 0.0.0.0:PORT taken on some interface by another program: stay reachable on this
            // computer at least; turning LAN access off and on again tries once more.
            Err(e) if lan => {
                tracing::error!(%addr, error = %e, "LAN access could not be opened; the hub stays on 127.0.0.1");
                self.lan_now = false;
                let local = address(port, false);
                match TcpListener::bind(local).await {
                    Ok(l) => self.current = Some(l),
                    Err(e) => tracing::error!(addr = %local, error = %e, "hub cannot listen; trying again"),
                }
            }
            Err(e) => tracing::error!(%addr, error = %e, "hub cannot listen; trying again"),
        }
        self.bound.send_replace(self.current.as_ref().and_then(|l| l.local_addr().ok()));
    }
}

/// The office's certificates, made now if this is the first time (the CA named after the office
/// once it is set up).
async fn office_tls(app: &App) -> std::io::Result<Arc<OfficeTls>> {
    let office = app.store.read(crate::setup::load_office).ok().flatten().map(|o| o.name);
    open_tls(app.data_dir.clone(), office).await
}

async fn open_tls(dir: std::path::PathBuf, office: Option<String>) -> std::io::Result<Arc<OfficeTls>> {
    let opened = tokio::task::spawn_blocking(move || OfficeTls::open(&dir, office.as_deref())).await;
    match opened {
        Ok(Ok(t)) => Ok(Arc::new(t)),
        Ok(Err(e)) => Err(std::io::Error::other(format!("sertifikat HTTPS kantor tidak dapat disiapkan: {}", e.message))),
        Err(e) => Err(std::io::Error::other(e)),
    }
}

/// Issues the server certificate again if this machine's names or addresses changed.
pub async fn refresh(tls: Arc<OfficeTls>) {
    match tokio::task::spawn_blocking(move || tls.refresh(&Names::of_this_machine())).await {
        Ok(Ok(_)) => {}
        Ok(Err(e)) => tracing::error!(message = %e.message, "server certificate not issued again"),
        Err(e) => tracing::error!(error = %e, "server certificate check failed"),
    }
}

impl From<TcpListener> for HubListener {
    fn from(l: TcpListener) -> Self {
        let addr = l.local_addr().ok();
        let (ready_tx, ready_rx) = mpsc::channel(64);
        HubListener {
            current: Some(l),
            lan_closed: Arc::new(AtomicBool::new(false)),
            lan_now: false,
            follow: None,
            bound: watch::Sender::new(addr),
            tls: None,
            data_dir: None,
            ready_tx,
            ready_rx,
        }
    }
}

/// Errors from `accept` that concern one connection only.
fn per_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset)
}

impl axum::serve::Listener for HubListener {
    type Io = HubIo;
    type Addr = Peer;

    async fn accept(&mut self) -> (HubIo, Peer) {
        loop {
            let HubListener { current, follow, ready_rx, .. } = self;
            let changed = async {
                match follow {
                    Some((_, rx)) => rx.changed().await.map(|()| *rx.borrow_and_update()).ok(),
                    None => std::future::pending().await,
                }
            };
            let accepted = async {
                match current {
                    Some(l) => Some(TcpListener::accept(l).await),
                    // No socket (the last bind failed): try again shortly.
                    None => {
                        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                        None
                    }
                }
            };
            tokio::select! {
                Some(ready) = ready_rx.recv() => return ready,
                lan = changed => match lan {
                    Some(lan) => self.rebind(lan).await,
                    None => self.follow = None, // the App is gone: stay as we are
                },
                got = accepted => match got {
                    Some(Ok((stream, addr))) => {
                        let peer = Peer { addr, lan_closed: self.lan_closed.clone(), insecure: false };
                        let Some(tls) = self.tls.clone() else { return (HubIo::Plain(stream), peer) };
                        let ready = self.ready_tx.clone();
                        tokio::spawn(async move {
                            if let Some(conn) = classify(stream, peer, tls).await {
                                let _ = ready.send(conn).await;
                            }
                        });
                    }
                    Some(Err(e)) if per_connection(&e) => {}
                    Some(Err(e)) => {
                        // Out of file descriptors and the like: give the system a moment.
                        tracing::error!(error = %e, "hub accept failed");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    }
                    None => {
                        let lan = self.lan_now;
                        self.rebind(lan).await;
                    }
                },
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<Peer> {
        let addr = self.current.as_ref().ok_or_else(|| std::io::Error::other("hub not listening"))?.local_addr()?;
        Ok(Peer { addr, lan_closed: self.lan_closed.clone(), insecure: false })
    }
}
