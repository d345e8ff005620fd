//! The card printer over IPP (Evolis, Fargo, Zebra: directly, or as a CUPS queue).
//!
//! The `ipp` crate builds and parses the IPP messages; the HTTP under them is the workspace's
//! reqwest (its `native-tls` for `ipps://`), run on a current-thread runtime of the calling
//! command's own. The crate's ready-made clients would bring a second HTTP stack (reqwest 0.13 or
//! ureq), so it is compiled without them.
//!
//! Every call is blocking and every request is bounded by the caller's timeout. A printer that is
//! paused, stopped, out of blanks or not accepting jobs is refused *before* anything is sent, so the
//! print job stays queued and no blank is consumed.

use std::fmt;
use std::io::Read;
use std::time::Duration;

use ipp::prelude::*;
use serde::Serialize;

use crate::error::{Error, ErrorCode, Result};

/// The IPP port (also the default for `ipps://`, RFC 7472).
pub const IPP_PORT: u16 = 631;
/// What [`IppPrinter::new`] waits for one request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Shown to the printer as the job's owner (`requesting-user-name`).
const USER_NAME: &str = "loket";
const FIELD: &str = "printer_uri";
const HINT: &str = "Tulis seperti ipp://192.168.1.20:631/ipp/print, ipps://192.168.1.20/ipp/print, atau antrean CUPS http://127.0.0.1:631/printers/NAMA.";

// ---- the address ----------------------------------------------------------------------------------

/// A validated card-printer address. `ipp://` and `ipps://` default to port 631; a CUPS queue
/// (`http://`, `https://`) must name its port (CUPS listens on 631, not 80).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterUri {
    /// As the administrator typed it (trimmed), for the settings screen.
    text: String,
    /// `ipp://host:port/path` or `ipps://…`: the `printer-uri` attribute of every request.
    ipp: Uri,
    /// `http://host:port/path` or `https://…`: where the requests are posted.
    endpoint: String,
    /// `host:port/path`, how the officer is told which printer.
    label: String,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::field(FIELD, msg)
}

impl PrinterUri {
    pub fn parse(s: &str) -> Result<PrinterUri> {
        let text = s.trim();
        if text.is_empty() {
            return Err(bad(format!("Alamat printer kartu wajib diisi. {HINT}")));
        }
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| bad(format!("Alamat printer kartu \"{text}\" tidak dikenali. {HINT}")))?;
        let scheme = scheme.to_ascii_lowercase();
        let (secure, cups) = match scheme.as_str() {
            "ipp" => (false, false),
            "ipps" => (true, false),
            "http" => (false, true),
            "https" => (true, true),
            _ => return Err(bad(format!("Jenis alamat \"{scheme}://\" tidak dikenal untuk printer kartu. {HINT}"))),
        };
        if rest.contains(['?', '#']) {
            return Err(bad("Alamat printer kartu tidak boleh memuat tanda ? atau #."));
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.contains('@') {
            return Err(bad("Alamat printer kartu tidak boleh memuat nama pengguna atau kata sandi."));
        }
        let (host, port) = split_host_port(authority)?;
        if host.is_empty() {
            return Err(bad(format!("Alamat printer kartu \"{text}\" tidak menyebut alamat printernya. {HINT}")));
        }
        let port = match port {
            Some(p) => p,
            None if cups => {
                return Err(bad(format!(
                    "Tulis port antrean CUPS, biasanya 631: {scheme}://{host}:631{}",
                    if path == "/" { "/printers/NAMA" } else { path }
                )))
            }
            None => IPP_PORT,
        };
        if cups && path.trim_end_matches('/').is_empty() {
            return Err(bad(format!("Alamat CUPS harus menyebut antreannya, misalnya {scheme}://{host}:{port}/printers/NAMA.")));
        }
        if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("Alamat printer kartu tidak boleh memuat spasi."));
        }
        let ipp_text = format!("{}://{host}:{port}{path}", if secure { "ipps" } else { "ipp" });
        let ipp: Uri = ipp_text
            .parse()
            .map_err(|_| bad(format!("Alamat printer kartu \"{text}\" tidak sah. {HINT}")))?;
        Ok(PrinterUri {
            text: text.to_string(),
            ipp,
            endpoint: format!("{}://{host}:{port}{path}", if secure { "https" } else { "http" }),
            label: format!("{host}:{port}{path}"),
        })
    }

    /// The address as configured.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// `192.168.1.20:631/ipp/print`: the printer named in messages to the officer.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Whether the requests go over TLS (`ipps://`, `https://`).
    pub fn is_secure(&self) -> bool {
        self.endpoint.starts_with("https://")
    }
}

fn split_host_port(authority: &str) -> Result<(&str, Option<u16>)> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let end = v6.find(']').ok_or_else(|| bad("Alamat IPv6 printer kartu harus ditutup dengan ].".to_string()))?;
        let after = &v6[end + 1..];
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p),
            None if after.is_empty() => None,
            None => return Err(bad("Alamat IPv6 printer kartu tidak sah.".to_string())),
        };
        (&authority[..end + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.contains(':') && !host.starts_with('[') {
        return Err(bad("Alamat IPv6 printer kartu ditulis dalam kurung siku, misalnya ipp://[fe80::1]:631/ipp/print."));
    }
    if !host.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '[' | ']' | ':')) {
        return Err(bad(format!("Nama atau alamat printer kartu \"{host}\" tidak sah.")));
    }
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 => Some(n),
            _ => return Err(bad(format!("Port printer kartu \"{p}\" tidak sah; gunakan angka 1–65535 (biasanya 631)."))),
        },
    };
    Ok((host, port))
}

impl fmt::Display for PrinterUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for PrinterUri {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        PrinterUri::parse(s)
    }
}

// ---- what the printer says ----------------------------------------------------------------------

/// A job accepted by the printer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmittedJob {
    pub job_id: i32,
    /// `job-uri`, when the printer gives one.
    pub job_uri: Option<String>,
}

/// `job-state` (RFC 8011 §5.3.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    Pending,
    Held,
    Processing,
    /// Processing has stopped (`processing-stopped`): the printer needs attention.
    Stopped,
    Canceled,
    Aborted,
    Completed,
}

impl JobState {
    fn from_ipp(v: i32) -> Option<JobState> {
        Some(match v {
            3 => JobState::Pending,
            4 => JobState::Held,
            5 => JobState::Processing,
            6 => JobState::Stopped,
            7 => JobState::Canceled,
            8 => JobState::Aborted,
            9 => JobState::Completed,
            _ => return None,
        })
    }

    /// Canceled, aborted or completed: the job's state changes no more.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Canceled | JobState::Aborted | JobState::Completed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobProgress {
    pub state: JobState,
    /// `job-state-reasons`, e.g. `job-completed-successfully`, `job-printing`.
    pub reasons: Vec<String>,
    /// `job-state-message`, the printer's own words.
    pub message: Option<String>,
}

/// `printer-state` (RFC 8011 §5.4.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PrinterState {
    Idle,
    Processing,
    Stopped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrinterStatus {
    pub state: PrinterState,
    /// `printer-state-reasons` as the printer sent them (`none`, `media-empty-error`, `paused`, …).
    pub reasons: Vec<String>,
    /// `printer-state-message`.
    pub message: Option<String>,
    /// `printer-is-accepting-jobs`.
    pub accepting: bool,
    /// Each reason explained in Bahasa Indonesia, in the order of `reasons`.
    pub reasons_text: Vec<String>,
}

/// A reason's keyword without its severity suffix, and the severity (RFC 8011 §5.4.12).
fn split_reason(reason: &str) -> (&str, Option<&str>) {
    for sev in ["error", "warning", "report"] {
        if let Some(base) = reason.strip_suffix(sev).and_then(|b| b.strip_suffix('-')) {
            return (base, Some(sev));
        }
    }
    (reason, None)
}

/// A printer-state-reason in words for the officer.
pub fn explain_reason(reason: &str) -> String {
    let (base, _) = split_reason(reason);
    let text = match base {
        "none" => "Tidak ada masalah",
        "media-empty" => "Blangko di printer habis",
        "media-low" => "Blangko di printer hampir habis",
        "media-needed" => "Printer meminta blangko dimasukkan",
        "media-jam" => "Blangko tersangkut di printer",
        "marker-supply-low" | "toner-low" => "Pita (ribbon) hampir habis",
        "marker-supply-empty" | "toner-empty" => "Pita (ribbon) habis",
        "marker-supply-missing" => "Pita (ribbon) tidak terpasang",
        "marker-waste-almost-full" => "Penampung sisa printer hampir penuh",
        "marker-waste-full" => "Penampung sisa printer penuh",
        "paused" => "Printer dijeda",
        "moving-to-paused" => "Printer sedang dijeda",
        "offline" => "Printer tidak terhubung",
        "shutdown" => "Printer sedang dimatikan",
        "timed-out" => "Printer tidak menjawab",
        "connecting-to-device" => "Printer sedang menyambung ke perangkatnya",
        "cover-open" | "door-open" => "Tutup printer terbuka",
        "interlock-open" => "Pengunci printer terbuka",
        "input-tray-missing" => "Baki blangko tidak terpasang",
        "output-tray-missing" => "Baki keluaran kartu tidak terpasang",
        "output-area-almost-full" => "Baki keluaran kartu hampir penuh",
        "output-area-full" => "Baki keluaran kartu penuh",
        "spool-area-full" => "Antrean printer penuh",
        "stopped-partly" => "Sebagian fungsi printer berhenti",
        "stopping" => "Printer sedang berhenti",
        "identify-printer-requested" => "Printer diminta menunjukkan dirinya",
        "other" => "Printer melaporkan masalah lain",
        _ => return format!("Keadaan printer: {reason}"),
    };
    text.to_string()
}

/// Reasons that mean no card can be printed now, whatever their severity.
const BLOCKING: &[&str] = &[
    "paused",
    "moving-to-paused",
    "offline",
    "shutdown",
    "stopping",
    "timed-out",
    "media-empty",
    "media-jam",
    "media-needed",
    "marker-supply-empty",
    "marker-supply-missing",
    "toner-empty",
    "cover-open",
    "door-open",
    "interlock-open",
    "input-tray-missing",
    "output-area-full",
    "spool-area-full",
];

impl PrinterStatus {
    /// Why a card must not be sent now, in words for the officer; `None` when the printer can
    /// take it. Paused, stopped, not accepting jobs, or a reason from [`BLOCKING`] or with the
    /// `-error` suffix refuse; warnings (ribbon low) do not.
    pub fn refusal(&self) -> Option<String> {
        let mut why: Vec<String> = Vec::new();
        for (reason, text) in self.reasons.iter().zip(&self.reasons_text) {
            let (base, sev) = split_reason(reason);
            if base != "none" && (BLOCKING.contains(&base) || sev == Some("error")) && !why.contains(text) {
                why.push(text.clone());
            }
        }
        if why.is_empty() && self.state == PrinterState::Stopped {
            why.push(match &self.message {
                Some(m) => format!("Printer berhenti (stopped): {m}"),
                None => "Printer berhenti (stopped)".to_string(),
            });
        }
        if !self.accepting {
            why.push("Printer tidak menerima pekerjaan cetak baru".to_string());
        }
        (!why.is_empty()).then(|| why.join("; "))
    }
}

// ---- requests -------------------------------------------------------------------------------------

fn unavailable(uri: &PrinterUri, why: impl fmt::Display) -> Error {
    Error::new(ErrorCode::PrinterUnavailable, format!("Printer kartu {} tidak dapat dipakai: {why}.", uri.label()))
}

/// The officer's words for a transport failure; the raw error goes to the log only.
fn transport(uri: &PrinterUri, e: &reqwest::Error, timeout: Duration) -> Error {
    tracing::warn!(printer = %uri, error = %e, "card printer unreachable");
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut io_kind = None;
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        source = s.source();
    }
    use std::io::ErrorKind as K;
    let why = if e.is_timeout() || io_kind == Some(K::TimedOut) {
        format!(
            "tidak ada jawaban dalam {} detik. Pastikan printer menyala dan kabel jaringannya terpasang",
            timeout.as_secs_f64().ceil() as u64
        )
    } else if io_kind == Some(K::ConnectionRefused) {
        "sambungan ditolak. Pastikan printer menyala dan alamat serta port-nya benar".to_string()
    } else if matches!(io_kind, Some(K::HostUnreachable | K::NetworkUnreachable | K::AddrNotAvailable)) {
        "jaringan ke printer tidak terjangkau. Periksa kabel jaringan atau Wi-Fi komputer ini".to_string()
    } else if e.is_connect() && uri.is_secure() {
        "sambungan aman (TLS) gagal. Periksa sertifikat printer, atau pakai ipp:// di jaringan kantor".to_string()
    } else if e.is_connect() {
        "tidak dapat tersambung. Pastikan printer menyala dan alamatnya benar".to_string()
    } else {
        "sambungan terputus saat berbicara dengan printer. Coba lagi".to_string()
    };
    Error::new(ErrorCode::PrinterUnavailable, format!("Printer kartu {} tidak dapat dihubungi: {why}.", uri.label()))
}

/// Posts one IPP request and parses the answer; any non-success IPP status becomes an error naming
/// the printer.
fn exchange(uri: &PrinterUri, request: IppRequestResponse, timeout: Duration) -> Result<IppRequestResponse> {
    let timeout = timeout.max(Duration::from_millis(50));
    let mut body = Vec::new();
    request.into_read().read_to_end(&mut body).map_err(Error::internal)?;
    let answer = crate::runtime::block_on(async {
        let client = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent(concat!("loket/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(Error::internal)?;
        let resp = client
            .post(&uri.endpoint)
            .header(reqwest::header::CONTENT_TYPE, "application/ipp")
            .body(body)
            .send()
            .await
            .map_err(|e| transport(uri, &e, timeout))?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| transport(uri, &e, timeout))?;
        Ok::<_, Error>((status, bytes))
    })?;
    let (status, bytes) = answer;
    if !status.is_success() {
        tracing::warn!(printer = %uri, http = status.as_u16(), "card printer refused the request");
        return Err(unavailable(
            uri,
            match status.as_u16() {
                404 => "antrean printer tidak ditemukan di alamat itu (HTTP 404). Periksa nama antreannya".to_string(),
                401 | 403 => format!("printer meminta izin masuk (HTTP {}). Izinkan komputer ini di printer atau CUPS", status.as_u16()),
                s => format!("printer menjawab HTTP {s}"),
            },
        ));
    }
    let response = ipp::parser::IppParser::new(ipp::reader::IppReader::new(std::io::Cursor::new(bytes)))
        .parse()
        .map_err(|e| {
            tracing::warn!(printer = %uri, error = %e, "card printer answer is not IPP");
            unavailable(uri, "jawabannya bukan IPP. Periksa bahwa alamat itu memang printer kartu atau antrean CUPS")
        })?;
    let code = response.header().status_code();
    if !code.is_success() {
        let message = text_attr(response.attributes(), DelimiterTag::OperationAttributes, "status-message");
        tracing::warn!(printer = %uri, status = %code, ?message, "card printer refused the operation");
        return Err(unavailable(uri, status_words(code, message.as_deref())));
    }
    Ok(response)
}

fn status_words(code: StatusCode, message: Option<&str>) -> String {
    let words = match code {
        StatusCode::ServerErrorNotAcceptingJobs => "printer tidak menerima pekerjaan cetak baru".to_string(),
        StatusCode::ClientErrorDocumentFormatNotSupported => "printer tidak menerima berkas PDF".to_string(),
        StatusCode::ClientErrorNotFound => "pekerjaan cetak itu tidak dikenal printer".to_string(),
        StatusCode::ClientErrorNotAuthenticated | StatusCode::ClientErrorNotAuthorized | StatusCode::ClientErrorForbidden => {
            "printer menolak komputer ini (perlu izin)".to_string()
        }
        StatusCode::ServerErrorBusy | StatusCode::ServerErrorServiceUnavailable | StatusCode::ServerErrorTemporaryError => {
            "printer sedang sibuk. Coba lagi sebentar lagi".to_string()
        }
        StatusCode::ServerErrorDeviceError => "printer melaporkan kerusakan perangkat".to_string(),
        other => format!("printer menolak permintaan ({other})"),
    };
    match message {
        Some(m) if !m.is_empty() => format!("{words} — pesan printer: {m}"),
        _ => words,
    }
}

fn attr<'a>(attrs: &'a IppAttributes, tag: DelimiterTag, name: &str) -> Option<&'a IppValue> {
    attrs.groups_of(tag).find_map(|g| g.get(name)).map(|a| a.value())
}

fn text_attr(attrs: &IppAttributes, tag: DelimiterTag, name: &str) -> Option<String> {
    attr(attrs, tag, name).map(|v| v.to_string()).filter(|s| !s.trim().is_empty())
}

fn int_attr(attrs: &IppAttributes, tag: DelimiterTag, name: &str) -> Option<i32> {
    match attr(attrs, tag, name)? {
        IppValue::Integer(i) | IppValue::Enum(i) => Some(*i),
        _ => None,
    }
}

/// A one-or-many keyword attribute as its values.
fn keywords(attrs: &IppAttributes, tag: DelimiterTag, name: &str) -> Vec<String> {
    match attr(attrs, tag, name) {
        Some(IppValue::Array(values)) => values.iter().map(|v| v.to_string()).collect(),
        Some(IppValue::NoValue) | None => Vec::new(),
        Some(v) => vec![v.to_string()],
    }
}

fn build<E: fmt::Display>(op: std::result::Result<impl ipp::operation::IppOperation, E>) -> Result<IppRequestResponse> {
    op.map(|o| o.into_ipp_request()).map_err(Error::internal)
}

// ---- the three calls ------------------------------------------------------------------------------

/// The printer's state, its reasons (each explained) and whether it takes jobs.
pub fn printer_status(uri: &PrinterUri, timeout: Duration) -> Result<PrinterStatus> {
    Ok(status_and_formats(uri, timeout)?.0)
}

fn status_and_formats(uri: &PrinterUri, timeout: Duration) -> Result<(PrinterStatus, Vec<String>)> {
    let request = build(
        IppOperationBuilder::get_printer_attributes(uri.ipp.clone())
            .attributes([
                "printer-state",
                "printer-state-reasons",
                "printer-state-message",
                "printer-is-accepting-jobs",
                "document-format-supported",
            ])
            .build(),
    )?;
    let response = exchange(uri, request, timeout)?;
    let attrs = response.attributes();
    let tag = DelimiterTag::PrinterAttributes;
    let state = match int_attr(attrs, tag, "printer-state") {
        Some(3) => PrinterState::Idle,
        Some(4) => PrinterState::Processing,
        Some(5) => PrinterState::Stopped,
        other => {
            tracing::warn!(printer = %uri, ?other, "card printer sent no printer-state");
            return Err(unavailable(uri, "printer tidak melaporkan keadaannya"));
        }
    };
    let reasons = keywords(attrs, tag, "printer-state-reasons");
    let accepting = !matches!(attr(attrs, tag, "printer-is-accepting-jobs"), Some(IppValue::Boolean(false)));
    let status = PrinterStatus {
        state,
        reasons_text: reasons.iter().map(|r| explain_reason(r)).collect(),
        reasons,
        message: text_attr(attrs, tag, "printer-state-message"),
        accepting,
    };
    Ok((status, keywords(attrs, tag, "document-format-supported")))
}

/// Sends the card's PDF as one Print-Job. Asks the printer's state first and refuses a paused,
/// stopped or not-accepting printer (and one that takes no PDF) without sending anything.
pub fn submit(uri: &PrinterUri, pdf: &[u8], job_name: &str, timeout: Duration) -> Result<SubmittedJob> {
    if !pdf.starts_with(b"%PDF-") {
        return Err(Error::internal("card print job is not a PDF"));
    }
    let (status, formats) = status_and_formats(uri, timeout)?;
    if let Some(why) = status.refusal() {
        return Err(Error::new(
            ErrorCode::PrinterUnavailable,
            format!(
                "Printer kartu {} tidak dapat mencetak sekarang: {why}. Kartu tetap di antrean dan blangko tidak terpakai; perbaiki printernya lalu cetak lagi.",
                uri.label()
            ),
        ));
    }
    if !formats.is_empty() && !formats.iter().any(|f| f == "application/pdf" || f == "application/octet-stream") {
        return Err(unavailable(uri, "printer tidak menerima berkas PDF. Pasang antrean CUPS dengan driver printer kartu"));
    }
    let job_name: String = job_name.chars().filter(|c| !c.is_control()).take(200).collect();
    let request = build(
        IppOperationBuilder::print_job(uri.ipp.clone(), IppPayload::new(std::io::Cursor::new(pdf.to_vec())))
            .user_name(USER_NAME)
            .job_title(job_name.as_str())
            .document_format("application/pdf")
            .build(),
    )?;
    let response = exchange(uri, request, timeout)?;
    let attrs = response.attributes();
    let job_id = int_attr(attrs, DelimiterTag::JobAttributes, "job-id")
        .ok_or_else(|| unavailable(uri, "printer menerima kartu tetapi tidak memberi nomor pekerjaan (job-id)"))?;
    let job_uri = text_attr(attrs, DelimiterTag::JobAttributes, "job-uri");
    tracing::info!(printer = %uri, job_id, "card sent to the printer");
    Ok(SubmittedJob { job_id, job_uri })
}

/// Where a submitted job is (Get-Job-Attributes).
pub fn job_state(uri: &PrinterUri, job_id: i32, timeout: Duration) -> Result<JobProgress> {
    let request = build(IppOperationBuilder::get_job_attributes(uri.ipp.clone(), job_id).user_name(USER_NAME).build())?;
    let response = exchange(uri, request, timeout)?;
    let attrs = response.attributes();
    let tag = DelimiterTag::JobAttributes;
    let state = int_attr(attrs, tag, "job-state")
        .and_then(JobState::from_ipp)
        .ok_or_else(|| unavailable(uri, format!("printer tidak melaporkan keadaan pekerjaan {job_id}")))?;
    Ok(JobProgress {
        state,
        reasons: keywords(attrs, tag, "job-state-reasons"),
        message: text_attr(attrs, tag, "job-state-message"),
    })
}

// ---- the seam for the job machine ---------------------------------------------------------------

/// What the print-job machine needs from a card printer.
pub trait CardPrinter: Send + Sync {
    fn submit(&self, pdf: &[u8], job_name: &str) -> Result<SubmittedJob>;
    fn job_state(&self, job_id: i32) -> Result<JobProgress>;
    fn status(&self) -> Result<PrinterStatus>;
}

/// A card printer reached over IPP; each request waits at most `timeout`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IppPrinter {
    pub uri: PrinterUri,
    pub timeout: Duration,
}

impl IppPrinter {
    pub fn new(uri: PrinterUri) -> Self {
        IppPrinter { uri, timeout: DEFAULT_TIMEOUT }
    }
}

impl CardPrinter for IppPrinter {
    fn submit(&self, pdf: &[u8], job_name: &str) -> Result<SubmittedJob> {
        submit(&self.uri, pdf, job_name, self.timeout)
    }
    fn job_state(&self, job_id: i32) -> Result<JobProgress> {
        job_state(&self.uri, job_id, self.timeout)
    }
    fn status(&self) -> Result<PrinterStatus> {
        printer_status(&self.uri, self.timeout)
    }
}
