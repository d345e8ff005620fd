//! The HTTP client for `loket-central`. Every request has a timeout; answers are sorted into what the
//! uploader does next (retry later, shrink the batch, re-enroll).

use super::wire::{self, BatchResult, ChangePage, DeviceState, EnrollRequest, Enrollment, WireError};
use std::time::Duration;

/// Why a request to central did not give an answer the uploader can use.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// Link down, reset, timeout, 5xx: try again after a backoff.
    Unreachable(String),
    /// 401: the device is unknown or revoked; a supervisor must enroll again.
    Unauthorized(String),
    /// 400/413 on a batch: it must be made smaller, or the one record is unsendable.
    Refused { status: u16, message: String },
    /// 403 and other answers a retry will not change.
    Rejected(String),
}

impl Failure {
    /// In Bahasa Indonesia for the sync header.
    pub fn message(&self) -> String {
        match self {
            Failure::Unreachable(m) => format!("Server pusat tidak terjangkau: {m}"),
            Failure::Unauthorized(m) => format!("Server pusat menolak perangkat ini: {m}"),
            Failure::Refused { message, .. } | Failure::Rejected(message) => format!("Server pusat menolak kiriman: {message}"),
        }
    }
}

#[derive(Clone)]
pub struct Central {
    http: reqwest::Client,
    base: String,
    auth: String,
    /// Time for a request with no body; a batch gets more per byte (see `batch_timeout`).
    pub timeout: Duration,
    /// The slowest link a batch is given time for.
    pub min_kbit_s: u64,
}

/// Enough time for the body at `min_kbit_s` on top of the base timeout: a slow but working link
/// must not look dead, a hung one must.
pub fn batch_timeout(base: Duration, bytes: usize, min_kbit_s: u64) -> Duration {
    base + Duration::from_millis((bytes as u64 * 8) / min_kbit_s.max(1))
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("loket/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("the HTTP client builds")
}

fn normalise(url: &str) -> String {
    url.trim().trim_end_matches('/').to_string()
}

async fn failure(resp: reqwest::Response) -> Failure {
    let status = resp.status().as_u16();
    let message = match resp.bytes().await {
        Ok(body) => serde_json::from_slice::<WireError>(&body)
            .map(|e| e.message)
            .unwrap_or_else(|_| String::from_utf8_lossy(&body).chars().take(200).collect()),
        Err(e) => e.to_string(),
    };
    match status {
        401 => Failure::Unauthorized(message),
        400 | 413 => Failure::Refused { status, message },
        500.. => Failure::Unreachable(format!("HTTP {status}: {message}")),
        _ => Failure::Rejected(format!("HTTP {status}: {message}")),
    }
}

fn transport(e: reqwest::Error) -> Failure {
    let what = if e.is_timeout() {
        "waktu habis".to_string()
    } else if e.is_connect() {
        "tidak dapat tersambung".to_string()
    } else if e.is_request() || e.is_body() {
        "sambungan terputus".to_string()
    } else {
        e.to_string()
    };
    Failure::Unreachable(what)
}

async fn json<T: serde::de::DeserializeOwned>(resp: reqwest::Response) -> Result<T, Failure> {
    if !resp.status().is_success() {
        return Err(failure(resp).await);
    }
    let body = resp.bytes().await.map_err(transport)?;
    serde_json::from_slice(&body).map_err(|e| Failure::Unreachable(format!("jawaban server pusat tidak terbaca: {e}")))
}

/// Trades a one-time token for this hub's device credentials.
pub async fn enroll(url: &str, token: &str, name: &str, timeout: Duration) -> Result<Enrollment, Failure> {
    let resp = client()
        .post(format!("{}/api/v1/enroll", normalise(url)))
        .timeout(timeout)
        .json(&EnrollRequest { token: token.trim().to_string(), name: name.to_string() })
        .send()
        .await
        .map_err(transport)?;
    json(resp).await
}

impl Central {
    pub fn new(url: &str, device_id: &str, secret: &str, timeout: Duration, min_kbit_s: u64) -> Central {
        Central { http: client(), base: normalise(url), auth: format!("Bearer {device_id}.{secret}"), timeout, min_kbit_s }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        let resp = self
            .http
            .get(format!("{}{path}", self.base))
            .header("authorization", &self.auth)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(transport)?;
        json(resp).await
    }

    pub async fn device(&self) -> Result<DeviceState, Failure> {
        self.get("/api/v1/device").await
    }

    /// Sends one encoded batch (`wire::encode_batch`). Central has committed it when this returns Ok.
    pub async fn send_batch(&self, encoded: Vec<u8>) -> Result<BatchResult, Failure> {
        let timeout = batch_timeout(self.timeout, encoded.len(), self.min_kbit_s);
        let resp = self
            .http
            .post(format!("{}/api/v1/batches", self.base))
            .header("authorization", &self.auth)
            .header("content-type", wire::BATCH_CONTENT_TYPE)
            .header("content-encoding", wire::BATCH_ENCODING)
            .timeout(timeout)
            .body(encoded)
            .send()
            .await
            .map_err(transport)?;
        json(resp).await
    }

    pub async fn changes(&self, after: i64, limit: usize) -> Result<ChangePage, Failure> {
        self.get(&format!("/api/v1/changes?after={after}&limit={limit}")).await
    }
}
