//! The service: the store, the clock and the command registry. Both adapters (Tauri IPC and the LAN
//! hub) hold one `App` and call `App::call`.

use crate::api::{FileOut, Registry};
use crate::clock::{Clock, SystemClock};
use crate::error::Result;
use crate::store::Store;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub struct App {
    pub store: Store,
    pub events: crate::events::Events,
    pub clock: Arc<dyn Clock>,
    pub data_dir: PathBuf,
    /// The uploader's wake-up and live state (`sync::spawn` starts it in the hub).
    pub sync: Arc<crate::sync::SyncHandle>,
    /// The `lan_access` setting as last saved: `settings.update` sends, and a hub started with
    /// `hub::Listen::Setting` rebinds on each change.
    pub lan_access: tokio::sync::watch::Sender<bool>,
    registry: Registry,
}

impl App {
    pub fn open(data_dir: &Path) -> Result<Arc<App>> {
        App::open_with_clock(data_dir, Arc::new(SystemClock))
    }

    pub fn open_with_clock(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Arc<App>> {
        App::with_store(Store::open_dir(data_dir)?, data_dir, clock)
    }

    /// The service on an unencrypted store: only for the benchmark that measures what encryption
    /// costs (`benches/encryption.rs`).
    #[doc(hidden)]
    pub fn open_unencrypted_for_benchmark(data_dir: &Path) -> Result<Arc<App>> {
        App::with_store(Store::open_dir_unencrypted_for_benchmark(data_dir)?, data_dir, Arc::new(SystemClock))
    }

    fn with_store(store: Store, data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Arc<App>> {
        let lan = store.read(crate::settings::load).map(|s| s.lan_access).unwrap_or(false);
        Ok(Arc::new(App {
            store,
            events: Default::default(),
            clock,
            data_dir: data_dir.to_path_buf(),
            sync: Default::default(),
            lan_access: tokio::sync::watch::Sender::new(lan),
            registry: registry(),
        }))
    }

    /// Runs one command as the holder of `token`. Blocking: call it off the async threads.
    pub fn call(&self, token: Option<&str>, name: &str, payload: Value) -> Result<Value> {
        let started = std::time::Instant::now();
        let out = self.registry.dispatch(self, token, name, payload);
        self.after(name, started, out.as_ref().err());
        out
    }

    /// Makes one file output (a PDF, …) as the holder of `token`, through the same access check.
    /// `payload` is the request object (over HTTP: the query string, every value a string).
    pub fn file(&self, token: Option<&str>, name: &str, payload: Value) -> Result<FileOut> {
        let started = std::time::Instant::now();
        let out = self.registry.dispatch_file(self, token, name, payload);
        self.after(name, started, out.as_ref().err());
        out
    }

    fn after(&self, name: &str, started: std::time::Instant, error: Option<&crate::error::Error>) {
        match error {
            None => {
                tracing::debug!(command = name, elapsed_us = started.elapsed().as_micros() as u64, "ok");
                // The command may have added outbox rows; the uploader checks cheaply.
                self.sync.nudge();
            }
            Some(e) => tracing::info!(command = name, code = ?e.code, "refused"),
        }
    }

    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }
}

/// Every capability registers its own commands here.
pub fn registry() -> Registry {
    let mut r = Registry::default();
    crate::setup::register(&mut r);
    crate::auth::register(&mut r);
    crate::auth::staff::register(&mut r);
    crate::audit::register(&mut r);
    crate::settings::register(&mut r);
    crate::queue::register(&mut r);
    crate::intake::register(&mut r);
    crate::recording::register(&mut r);
    crate::sync::register(&mut r);
    crate::stock::register(&mut r);
    crate::printing::register(&mut r);
    crate::handover::register(&mut r);
    crate::suket::register(&mut r);
    crate::reports::register(&mut r);
    crate::dashboard::register(&mut r);
    crate::backup::register(&mut r);
    crate::calendar::register(&mut r);
    crate::complaints::register(&mut r);
    crate::vault::register(&mut r);
    r
}
