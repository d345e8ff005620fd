//! The desktop shell. It opens the window, starts the same hub `loket serve` runs (so the kiosk,
//! display and other counters can reach this workstation), and forwards the window's calls to the
//! one command registry, and its live events to the window. No business rule lives here.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod file_viewer;

use loket::{App, Error, ErrorCode};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

struct Shell {
    /// The service, or why it could not start (read-only folder, newer database, …): the window
    /// shows that message instead of a blank screen.
    app: Result<Arc<App>, Error>,
}

/// The one IPC command: `invoke('rpc', {name, token, payload})`.
#[tauri::command]
async fn rpc(
    state: tauri::State<'_, Shell>,
    name: String,
    token: Option<String>,
    payload: serde_json::Value,
) -> Result<serde_json::Value, Error> {
    let app = state.app.clone()?;
    tauri::async_runtime::spawn_blocking(move || app.call(token.as_deref(), &name, payload))
        .await
        .map_err(Error::internal)?
}

/// A file output (return slip, receipt, …) made through the same access check as `rpc`, saved under
/// the data folder and opened in the computer's viewer: the window itself cannot show or download
/// PDFs. `invoke('open_file', {name, token, payload})`.
#[tauri::command]
async fn open_file(
    state: tauri::State<'_, Shell>,
    name: String,
    token: Option<String>,
    payload: serde_json::Value,
) -> Result<file_viewer::SavedFile, Error> {
    let app = state.app.clone()?;
    tauri::async_runtime::spawn_blocking(move || {
        let file = app.file(token.as_deref(), &name, payload)?;
        let file_name = file_viewer::safe_file_name(&file.file_name);
        file_viewer::save_and_open(&app.data_dir, &file_name, &file.bytes).map_err(|e| {
            Error::new(ErrorCode::Internal, format!("Berkas tidak dapat disimpan di folder data ({e})."))
        })
    })
    .await
    .map_err(Error::internal)?
}

/// Where the hub listens: `LOKET_HUB_LISTEN`, a fixed address never rebound; else 127.0.0.1:8470,
/// and 0.0.0.0:8470 while a supervisor has LAN access on (switched live by `settings.update`).
fn hub_listen() -> loket::hub::Listen {
    match std::env::var("LOKET_HUB_LISTEN").ok().and_then(|a| a.parse::<SocketAddr>().ok()) {
        Some(addr) => loket::hub::Listen::Fixed(addr),
        None => loket::hub::Listen::Setting { port: loket::DEFAULT_HUB_PORT },
    }
}

/// The UI build served to LAN browsers: `LOKET_UI_DIR`, else `ui/dist` beside the executable's
/// workspace (development) or `ui` beside the executable (an installed copy).
fn ui_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("LOKET_UI_DIR") {
        return Some(PathBuf::from(d));
    }
    let exe = std::env::current_exe().ok()?;
    let dir = exe.parent()?;
    // Beside the binary, the build tree (make run), or the package's /usr/share/loket/ui (a window
    // started from a terminal, without the desktop entry's LOKET_UI_DIR).
    [dir.join("ui"), dir.join("../../ui/dist"), dir.join("../share/loket/ui")].into_iter().find(|d| d.join("index.html").is_file())
}

fn main() {
    // WebKitGTK's accelerated compositing costs the window about 80 MB (PSS, docs/benchmarks.md) and
    // these screens of forms and tables draw as fast without it. Set first, before any thread or
    // WebKit starts; LOKET_WEBKIT_COMPOSITING=1 (or WebKit's own variable) keeps WebKit's choice.
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none() && std::env::var("LOKET_WEBKIT_COMPOSITING").as_deref() != Ok("1") {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("LOKET_LOG").unwrap_or_else(|_| "info".into()))
        .init();
    let data_dir = loket::default_data_dir();
    let app = App::open(&data_dir);
    match &app {
        Ok(app) => {
            let app = app.clone();
            let listen = hub_listen();
            tauri::async_runtime::spawn(async move {
                match loket::hub::HubListener::bind(&app, listen).await {
                    Ok(listener) => {
                        if let Err(e) = loket::hub::serve(app, listener, ui_dir()).await {
                            tracing::error!(error = %e, "hub stopped");
                        }
                    }
                    // Another Loket on this machine already serves the LAN; this window still works.
                    Err(e) => tracing::warn!(?listen, error = %e, "hub not started"),
                }
            });
        }
        Err(e) => tracing::error!(data_dir = %data_dir.display(), message = %e.message, "cannot open data directory"),
    }
    let events = app.as_ref().ok().map(|a| a.events.subscribe());
    tauri::Builder::default()
        .setup(move |handle| {
            // Live screens in this window get the hub's events as Tauri events named `loket-event`.
            if let Some(mut rx) = events {
                let handle = handle.handle().clone();
                tauri::async_runtime::spawn(async move {
                    use tauri::Emitter;
                    loop {
                        let event = match rx.recv().await {
                            Ok(e) => e,
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => loket::events::Event::QueueChanged,
                            Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                        };
                        let _ = handle.emit("loket-event", &event);
                    }
                });
            }
            Ok(())
        })
        .manage(Shell { app })
        .invoke_handler(tauri::generate_handler![rpc, open_file])
        .run(tauri::generate_context!())
        .expect("the desktop window could not start");
}
