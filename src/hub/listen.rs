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

use crate::app::App;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

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
}

impl Peer {
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
}

fn address(port: u16, lan: bool) -> SocketAddr {
    SocketAddr::from((if lan { Ipv4Addr::UNSPECIFIED } else { Ipv4Addr::LOCALHOST }, port))
}

impl HubListener {
    /// Binds as `listen` says, now; an address in use is an error here (and only here).
    pub async fn bind(app: &App, listen: Listen) -> std::io::Result<HubListener> {
        match listen {
            Listen::Fixed(addr) => Ok(HubListener::from(TcpListener::bind(addr).await?)),
            Listen::Setting { port } => {
                let mut rx = app.lan_access.subscribe();
                let lan = *rx.borrow_and_update();
                let listener = TcpListener::bind(address(port, lan)).await?;
                let mut me = HubListener::from(listener);
                me.lan_now = lan;
                me.follow = Some((port, rx));
                Ok(me)
            }
        }
    }

    /// The address listened on now, or `None` while no socket could be bound; changes on each
    /// rebind (the tests wait on it).
    pub fn bound(&self) -> watch::Receiver<Option<SocketAddr>> {
        self.bound.subscribe()
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
        self.lan_now = lan;
        let addr = address(port, lan);
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

impl From<TcpListener> for HubListener {
    fn from(l: TcpListener) -> Self {
        let addr = l.local_addr().ok();
        HubListener {
            current: Some(l),
            lan_closed: Arc::new(AtomicBool::new(false)),
            lan_now: false,
            follow: None,
            bound: watch::Sender::new(addr),
        }
    }
}

/// Errors from `accept` that concern one connection only.
fn per_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset)
}

impl axum::serve::Listener for HubListener {
    type Io = TcpStream;
    type Addr = Peer;

    async fn accept(&mut self) -> (TcpStream, Peer) {
        loop {
            let HubListener { current, follow, .. } = self;
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
                lan = changed => match lan {
                    Some(lan) => self.rebind(lan).await,
                    None => self.follow = None, // the App is gone: stay as we are
                },
                got = accepted => match got {
                    Some(Ok((stream, addr))) => return (stream, Peer { addr, lan_closed: self.lan_closed.clone() }),
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
        Ok(Peer { addr, lan_closed: self.lan_closed.clone() })
    }
}
