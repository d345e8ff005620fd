//! The LAN hub: `POST /api/v1/<command>` and `GET /api/v1/files/<command>` over the one registry,
//! health, the OpenAPI document, the event stream, and the UI build at `/` so a browser on another
//! counter gets the same screens as the desktop window. No route checks access itself; the adapter
//! only limits how fast one client address may call the public commands (`limits`) and follows the
//! `lan_access` setting with its listening socket (`listen`).

pub mod limits;
pub mod listen;
pub mod tls;

pub use listen::{HubListener, Listen, Peer};

use crate::app::App;
use crate::error::{Error, ErrorCode};
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use tower_http::services::{ServeDir, ServeFile};

/// Command bodies are small JSON; files (photos, scans) will get their own endpoints.
pub const MAX_COMMAND_BODY: usize = 1024 * 1024;

#[derive(Clone)]
struct Hub {
    app: Arc<App>,
    openapi: Arc<Value>,
    limits: Arc<limits::Limits>,
}

/// The routes. Served through `serve`/`serve_http` each request knows its client (`Peer`), which
/// the rate limits and the LAN switch need; served without that connect info (a bare
/// `axum::serve(listener, router(..))`, as the benchmarks do on loopback) nothing is limited.
pub fn router(app: Arc<App>, ui_dir: Option<PathBuf>) -> Router {
    let openapi = Arc::new(crate::api::openapi_document(app.registry()));
    let limits = Arc::new(limits::Limits::new(app.clock.clone()));
    let hub = Hub { app, openapi, limits };
    let api = Router::new()
        .route("/ca.crt", get(ca_certificate))
        .route("/api/v1/health", get(health))
        .route("/api/v1/openapi.json", get(openapi_json))
        .route("/api/v1/events", get(events))
        .route("/api/v1/files/{command}", get(file))
        .route("/api/v1/{command}", post(command))
        .with_state(hub);
    let routes = match ui_dir.filter(|d| d.join("index.html").is_file()) {
        // Unknown paths fall back to index.html: the UI routes by itself.
        Some(dir) => api.fallback_service(ServeDir::new(&dir).fallback(ServeFile::new(dir.join("index.html")))),
        None => api.fallback(|| async {
            Html("<!doctype html><meta charset=utf-8><title>Loket KTP-el</title><p>Tampilan Loket belum dibangun (ui/dist tidak ada). Jalankan <code>make run</code>.</p>")
        }),
    };
    routes.layer(axum::middleware::from_fn(lan_gate))
}

/// A request on a connection the LAN listener accepted before LAN access was turned off: refused,
/// and the connection closed (`Connection: close`), so a LAN browser cannot keep using the hub.
/// Plain HTTP from another computer: a redirect to the same address over https (308, so a POST
/// stays a POST), except the office CA certificate, which a PC fetches before it trusts https.
async fn lan_gate(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<Peer>>().map(|ConnectInfo(p)| p.clone());
    if peer.as_ref().is_some_and(Peer::insecure) && req.uri().path() != "/ca.crt" {
        return to_https(&req);
    }
    if !peer.is_some_and(|p| p.refused()) {
        return next.run(req).await;
    }
    let mut resp = error_response(Error::new(
        ErrorCode::Forbidden,
        "Akses hub dari jaringan kantor (LAN) sudah dimatikan di Pengaturan.",
    ));
    resp.headers_mut().insert(header::CONNECTION, header::HeaderValue::from_static("close"));
    resp
}

fn to_https(req: &axum::extract::Request) -> Response {
    let host = req.headers().get(header::HOST).and_then(|h| h.to_str().ok()).filter(|h| {
        !h.is_empty() && h.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
    });
    let Some(host) = host else {
        return error_response(Error::new(ErrorCode::BadRequest, "Buka hub lewat https:// dari komputer lain di kantor."));
    };
    let path = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let mut resp = StatusCode::PERMANENT_REDIRECT.into_response();
    if let Ok(v) = header::HeaderValue::from_str(&format!("https://{host}{path}")) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    resp
}

/// `GET /ca.crt`: the office CA certificate (public: it holds no secret), for the office PCs to
/// trust; its SHA-256 fingerprint is on the settings screen to compare with.
async fn ca_certificate(State(hub): State<Hub>) -> Response {
    match tls::ca_certificate(&hub.app.data_dir) {
        Some(pem) => (
            [
                (header::CONTENT_TYPE, "application/x-x509-ca-cert"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"loket-ca-kantor.crt\""),
            ],
            pem,
        )
            .into_response(),
        None => error_response(Error::new(ErrorCode::NotFound, "Sertifikat kantor belum dibuat. Nyalakan akses LAN di Pengaturan.")),
    }
}

/// The HTTP side only: serves `listener` (rebinding it if it follows the setting) until the
/// process ends, each request with its client address. `serve` adds the hub process's jobs.
pub async fn serve_http(app: Arc<App>, listener: HubListener, ui_dir: Option<PathBuf>) -> std::io::Result<()> {
    let service = router(app, ui_dir).into_make_service_with_connect_info::<Peer>();
    axum::serve(listener, service).await
}

/// Serves until the process ends. Prints the URL first; scripts and tests read it.
pub async fn serve(app: Arc<App>, listener: impl Into<HubListener>, ui_dir: Option<PathBuf>) -> std::io::Result<()> {
    let listener = listener.into();
    let addr = axum::serve::Listener::local_addr(&listener)?.addr;
    println!("Loket hub listening on http://{addr}");
    tracing::info!(%addr, "hub listening");
    if let Some(tls) = listener.tls() {
        let names = tls.names();
        for ip in names.lan_ips() {
            println!("Loket hub LAN (HTTPS): https://{ip}:{}", addr.port());
        }
        println!("Office CA SHA-256: {}", tls::fingerprint(tls.ca_pem()).unwrap_or_default());
        // New addresses (DHCP, another network) get a new server certificate from the same CA.
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            every.tick().await;
            loop {
                every.tick().await;
                listen::refresh(tls.clone()).await;
            }
        });
    }
    // The hub process is the one that prints: jobs it left mid-way are interrupted, not lost.
    if let Err(e) = crate::printing::recover(&app) {
        tracing::error!(message = %e.message, "print jobs not checked");
    }
    // The hub process is the one that sends the office's records to central.
    crate::sync::spawn(app.clone());
    // And the one that takes the daily verified backup (and a missed one at start).
    crate::backup::spawn(app.clone());
    serve_http(app, listener, ui_dir).await
}

fn error_response(e: Error) -> Response {
    let status = StatusCode::from_u16(e.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(e)).into_response()
}

async fn health(State(hub): State<Hub>) -> Response {
    let app = hub.app.clone();
    let state = tokio::task::spawn_blocking(move || crate::setup::status(&app)).await;
    match state {
        Ok(Ok(s)) => Json(json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "schema_version": crate::store::schema_version(),
            "initialised": s.initialised,
        }))
        .into_response(),
        Ok(Err(e)) => error_response(e),
        Err(e) => error_response(Error::internal(e)),
    }
}

async fn openapi_json(State(hub): State<Hub>) -> Json<Value> {
    Json((*hub.openapi).clone())
}

/// Server-sent events for live screens. Queue events carry ticket numbers only, so the display and
/// kiosk read them without logging in.
/// A LAN screen's stream ends at its first event after LAN access was turned off.
async fn events(
    State(hub): State<Hub>,
    peer: Option<axum::Extension<ConnectInfo<Peer>>>,
) -> Sse<impl futures_util::Stream<Item = Result<SseEvent, std::convert::Infallible>>> {
    use tokio::sync::broadcast::error::RecvError;
    let rx = hub.app.events.subscribe();
    let peer = peer.map(|p| p.0 .0);
    let stream = futures_util::stream::unfold((rx, peer), |(mut rx, peer)| async move {
        let event = match rx.recv().await {
            Ok(e) => e,
            // Fell behind: tell the screen to fetch everything again.
            Err(RecvError::Lagged(_)) => crate::events::Event::QueueChanged,
            Err(RecvError::Closed) => return None,
        };
        if peer.as_ref().is_some_and(Peer::refused) {
            return None;
        }
        let sse = SseEvent::default().json_data(&event).unwrap_or_default();
        Some((Ok(sse), (rx, peer)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// Every file output (`GET /api/v1/files/<command>?field=value`): the query string is the request,
/// the token comes in the Authorization header as for commands (never in the address, so never in
/// a log), and `Registry::dispatch_file` does the one access check.
async fn file(
    State(hub): State<Hub>,
    Path(name): Path<String>,
    query: Result<axum::extract::Query<BTreeMap<String, String>>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Response {
    let Ok(axum::extract::Query(query)) = query else {
        return error_response(Error::new(ErrorCode::BadRequest, "Alamat berkas tidak sah (bagian setelah '?')."));
    };
    let token = bearer(&headers);
    let payload = Value::Object(query.into_iter().map(|(k, v)| (k, Value::String(v))).collect());
    let app = hub.app.clone();
    match tokio::task::spawn_blocking(move || app.file(token.as_deref(), &name, payload)).await {
        Ok(Ok(f)) => (
            [
                (header::CONTENT_TYPE, f.content_type.to_string()),
                // `inline`: a browser tab shows the PDF to print; the UI's "save" names the download.
                (header::CONTENT_DISPOSITION, format!("inline; filename=\"{}\"", f.file_name)),
                // Personal data: no cache on a shared office PC.
                (header::CACHE_CONTROL, "no-store".to_string()),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            ],
            f.bytes,
        )
            .into_response(),
        Ok(Err(e)) => error_response(e),
        Err(e) => error_response(Error::internal(e)),
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(|t| t.trim().to_string()).filter(|t| !t.is_empty())
}

/// `429 RATE_LIMITED` with `Retry-After`, or nothing when `name` may run now for this client.
fn rate_limited(hub: &Hub, name: &str, peer: Option<&Peer>) -> Option<Response> {
    let (class, peer) = (limits::Class::of(name)?, peer?);
    let secs = hub.limits.take(class, peer.addr.ip()).err()?;
    tracing::info!(command = name, client = %peer.addr.ip(), retry_after = secs, "rate limited");
    let mut resp = error_response(Error::new(
        ErrorCode::RateLimited,
        format!("Terlalu banyak permintaan dari perangkat ini. Coba lagi dalam {secs} detik."),
    ));
    resp.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
    Some(resp)
}

async fn command(
    State(hub): State<Hub>,
    Path(name): Path<String>,
    peer: Option<axum::Extension<ConnectInfo<Peer>>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Some(resp) = rate_limited(&hub, &name, peer.as_ref().map(|p| &p.0 .0)) {
        return resp;
    }
    let too_large = || {
        error_response(Error::new(
            ErrorCode::PayloadTooLarge,
            format!("Permintaan terlalu besar (maksimal {} KiB).", MAX_COMMAND_BODY / 1024),
        ))
    };
    let bytes = match axum::body::to_bytes(body, MAX_COMMAND_BODY).await {
        Ok(b) => b,
        Err(e) => {
            let limit = std::error::Error::source(&e)
                .is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
            return if limit { too_large() } else { error_response(Error::new(ErrorCode::BadRequest, "Permintaan terputus.")) };
        }
    };
    let payload: Value = if bytes.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice(&bytes) {
            Ok(v) => v,
            Err(e) => {
                return error_response(Error::new(
                    ErrorCode::BadRequest,
                    format!("Isi permintaan bukan JSON yang sah (baris {}, kolom {}).", e.line(), e.column()),
                ))
            }
        }
    };
    let token = bearer(&headers);
    let app = hub.app.clone();
    match tokio::task::spawn_blocking(move || app.call(token.as_deref(), &name, payload)).await {
        Ok(Ok(v)) => Json(v).into_response(),
        Ok(Err(e)) => error_response(e),
        Err(e) => error_response(Error::internal(e)),
    }
}
