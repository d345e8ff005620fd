//! The HTTP API (axum). Every non-2xx answer is a `wire::WireError` in JSON, including 404, 405 and
//! 413, so the office's uploader has one shape to read. Storage calls run on the blocking pool.

use crate::error::{Code, Error, Result};
use crate::storage::DeviceRow;
use crate::summaries::ReportsToken;
use crate::{changes, devices, ingest, summaries, Central};
use axum::body::{Body, Bytes};
use bytes::BytesMut;
use http_body_util::BodyExt;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use loket_contract::wire::{self, EnrollRequest};
use serde::Deserialize;
use std::future::Future;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// JSON requests (enrollment) are small.
const MAX_JSON_BODY: usize = 64 * 1024;
/// Batch bodies being received at once (each up to 16 MiB): bounds memory when many offices come
/// back online together. A slow link holds one of these, not one of the few ingest slots.
const UPLOAD_SLOTS: usize = 64;
/// Batches decoded and stored at once: each may inflate to 64 MiB, and storing is one writer anyway.
const INGEST_SLOTS: usize = 4;

#[derive(Clone)]
struct AppState {
    central: Central,
    upload_slots: Arc<Semaphore>,
    ingest_slots: Arc<Semaphore>,
    reports_token: Option<ReportsToken>,
}

/// What `serve` is started with beyond the storage.
#[derive(Clone, Default)]
pub struct Options {
    /// Opens `GET /api/v1/summaries`; without it that address answers 404.
    pub reports_token: Option<ReportsToken>,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, Json(self.to_wire())).into_response()
    }
}

pub fn router(central: Central) -> Router {
    router_with(central, Options::default())
}

pub fn router_with(central: Central, options: Options) -> Router {
    let state = AppState {
        central,
        upload_slots: Arc::new(Semaphore::new(UPLOAD_SLOTS)),
        ingest_slots: Arc::new(Semaphore::new(INGEST_SLOTS)),
        reports_token: options.reports_token,
    };
    Router::new()
        .route("/health", get(health))
        .route("/api/v1/enroll", post(enroll))
        .route("/api/v1/device", get(device))
        .route("/api/v1/batches", post(batches))
        .route("/api/v1/changes", get(changes_page))
        .route("/api/v1/summaries", get(summaries_list))
        .fallback(|| async { Error::new(Code::NotFound, "Alamat tidak dikenal di server pusat.") })
        .method_not_allowed_fallback(|| async { Error::new(Code::MethodNotAllowed, "Metode HTTP ini tidak didukung di alamat ini.") })
        .with_state(state)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    central: Central,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(central, listener, Options::default(), shutdown).await
}

pub async fn serve_with(
    central: Central,
    listener: tokio::net::TcpListener,
    options: Options,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router_with(central, options)).with_graceful_shutdown(shutdown).await
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(Error::internal)?
}

async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

fn too_large() -> Error {
    Error::new(
        Code::BatchTooLarge,
        format!(
            "Batch terlalu besar: maksimal {} MiB per kiriman (setelah kompresi). Kirim rekaman dalam batch yang lebih kecil.",
            wire::MAX_BODY_BYTES / 1024 / 1024
        ),
    )
}

/// How much of a too-large body central still reads (and discards) before answering 413, as a
/// multiple of the limit, and for how long. An HTTP client that is still sending when the answer
/// comes and the connection closes sees a broken pipe instead of our JSON; reading a bounded amount
/// more lets an ordinary oversized upload finish and read the answer.
const DRAIN_FACTOR: usize = 4;
const DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(30);
/// A body that stops arriving for this long is abandoned (a slow link still sends something).
const IDLE_TIME: std::time::Duration = std::time::Duration::from_secs(60);

/// Reads a body up to `limit` bytes; a longer one (by header or by count) is `too_large`.
async fn read_body(headers: &HeaderMap, mut body: Body, limit: usize, too_large: fn() -> Error) -> Result<Bytes> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let drain_limit = limit.saturating_mul(DRAIN_FACTOR);
    if declared.is_some_and(|n| n > drain_limit as u64) {
        return Err(too_large());
    }
    let cut = || Error::new(Code::BadRequest, "Kiriman terputus sebelum selesai.");
    let mut buf = BytesMut::new();
    let mut seen = declared.filter(|n| *n > limit as u64).map(|_| limit + 1).unwrap_or(0);
    while seen <= limit {
        let frame = match tokio::time::timeout(IDLE_TIME, body.frame()).await {
            Ok(Some(frame)) => frame.map_err(|_| cut())?,
            Ok(None) => return Ok(buf.freeze()),
            Err(_) => return Err(cut()),
        };
        if let Some(data) = frame.data_ref() {
            seen += data.len();
            if seen <= limit {
                buf.extend_from_slice(data);
            }
        }
    }
    drop(buf);
    let drain = async {
        while let Some(Ok(frame)) = body.frame().await {
            seen += frame.data_ref().map_or(0, |d| d.len());
            if seen > drain_limit {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, drain).await;
    Err(too_large())
}

async fn authenticated(state: &AppState, headers: &HeaderMap) -> Result<DeviceRow> {
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let central = state.central.clone();
    blocking(move || devices::authenticate(&central, value.as_deref())).await
}

async fn enroll(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Json<wire::Enrollment>> {
    let bytes = read_body(&headers, body, MAX_JSON_BODY, || Error::new(Code::BadRequest, "Permintaan terlalu besar.")).await?;
    let req: EnrollRequest = serde_json::from_slice(&bytes)
        .map_err(|e| Error::new(Code::BadRequest, format!("Permintaan pendaftaran tidak sah: {e}")))?;
    let central = state.central.clone();
    Ok(Json(blocking(move || devices::enroll(&central, &req)).await?))
}

async fn device(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<wire::DeviceState>> {
    let device = authenticated(&state, &headers).await?;
    let central = state.central.clone();
    Ok(Json(blocking(move || devices::state(&central, &device.id)).await?))
}

async fn batches(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Result<Json<wire::BatchResult>> {
    // Authenticate before reading: a stranger cannot make central buffer 16 MiB.
    let device = authenticated(&state, &headers).await?;
    let upload = state.upload_slots.clone().acquire_owned().await.map_err(Error::internal)?;
    let bytes = read_body(&headers, body, wire::MAX_BODY_BYTES, too_large).await?;
    let _ingest = state.ingest_slots.clone().acquire_owned().await.map_err(Error::internal)?;
    drop(upload);
    let central = state.central.clone();
    let started = std::time::Instant::now();
    let (device_id, size) = (device.id.clone(), bytes.len());
    let result = blocking(move || {
        let batch = wire::decode_batch(&bytes).map_err(|e| Error::new(Code::BatchMalformed, format!("Batch ditolak: {e}")))?;
        ingest::ingest(&central, &device, batch)
    })
    .await;
    match &result {
        Ok(r) => tracing::info!(
            device = %device_id, bytes = size, records = r.results.len(), contiguous_seq = r.contiguous_seq,
            ms = started.elapsed().as_millis() as u64, "batch stored"
        ),
        Err(e) => tracing::warn!(device = %device_id, bytes = size, code = e.code.as_str(), message = %e.message, "batch refused"),
    }
    Ok(Json(result?))
}

#[derive(Deserialize)]
struct ChangesQuery {
    after: Option<i64>,
    limit: Option<i64>,
}

async fn changes_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: std::result::Result<Query<ChangesQuery>, QueryRejection>,
) -> Result<Json<wire::ChangePage>> {
    let device = authenticated(&state, &headers).await?;
    let Query(q) = query.map_err(|e| Error::new(Code::BadRequest, format!("Parameter tidak sah (after, limit: angka): {e}")))?;
    let central = state.central.clone();
    Ok(Json(blocking(move || changes::page(&central, &device.office, q.after.unwrap_or(0), q.limit)).await?))
}

#[derive(Deserialize)]
struct SummariesQuery {
    office: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Every office's daily summaries, for the kabupaten's reports: `Authorization: Bearer <reports token>`.
async fn summaries_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: std::result::Result<Query<SummariesQuery>, QueryRejection>,
) -> Result<Json<serde_json::Value>> {
    let Some(token) = &state.reports_token else {
        return Err(Error::new(
            Code::NotFound,
            "Ringkasan harian tidak dibuka di server pusat ini: jalankan `loket-central serve --reports-token-file BERKAS` (atau LOKET_CENTRAL_REPORTS_TOKEN).",
        ));
    };
    if !token.admits(headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())) {
        return Err(Error::new(Code::Unauthenticated, "Token laporan tidak ada atau salah (Authorization: Bearer TOKEN)."));
    }
    let Query(q) = query.map_err(|e| Error::new(Code::BadRequest, format!("Parameter tidak sah (office, from, to): {e}")))?;
    let filter = summaries::filter(q.office.as_deref(), q.from.as_deref(), q.to.as_deref())?;
    let central = state.central.clone();
    let list = blocking(move || summaries::list(&central, &filter)).await?;
    Ok(Json(serde_json::json!({ "summaries": list })))
}
