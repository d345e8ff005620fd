//! One error type for every command. It crosses to the UI as `{code, message, field}`; the message is
//! for the officer, in Bahasa Indonesia, and never a raw SQL error or a panic.

use schemars::JsonSchema;
use serde::Serialize;
use ts_rs::TS;

/// Stable codes the UI and the tests match on. The HTTP status follows from the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    BadRequest,
    Validation,
    Unauthenticated,
    WrongPassword,
    AccountLocked,
    AccountInactive,
    PasswordChangeRequired,
    Forbidden,
    NotFound,
    UnknownCommand,
    Conflict,
    PayloadTooLarge,
    /// Too many requests from one computer on the LAN (kiosk tickets and status, login); the
    /// response says in how many seconds to try again (`Retry-After`).
    RateLimited,
    /// A printer (ticket, receipt) could not be reached; what was saved stays saved.
    PrinterUnavailable,
    /// The central sync server could not be reached; nothing local is lost.
    CentralUnavailable,
    AlreadyInitialised,
    NotInitialised,
    Storage,
    Internal,
}

impl ErrorCode {
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::BadRequest => 400,
            ErrorCode::Validation => 422,
            ErrorCode::Unauthenticated | ErrorCode::WrongPassword => 401,
            ErrorCode::AccountLocked => 423,
            ErrorCode::AccountInactive | ErrorCode::Forbidden | ErrorCode::PasswordChangeRequired => 403,
            ErrorCode::NotFound | ErrorCode::UnknownCommand => 404,
            ErrorCode::Conflict | ErrorCode::AlreadyInitialised | ErrorCode::NotInitialised => 409,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::RateLimited => 429,
            ErrorCode::PrinterUnavailable | ErrorCode::CentralUnavailable => 503,
            ErrorCode::Storage | ErrorCode::Internal => 500,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema, TS, thiserror::Error)]
#[error("{code:?}: {message}")]
#[ts(rename = "ApiErrorBody")]
pub struct Error {
    pub code: ErrorCode,
    /// For the officer, in Bahasa Indonesia.
    pub message: String,
    /// The form field the message is about, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into(), field: None }
    }
    /// A field that failed validation; `message` names it for the officer.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Error { code: ErrorCode::Validation, message: message.into(), field: Some(field.to_string()) }
    }
    pub fn unauthenticated() -> Self {
        Error::new(ErrorCode::Unauthenticated, "Sesi tidak ada atau sudah berakhir. Silakan masuk kembali.")
    }
    pub fn forbidden() -> Self {
        Error::new(ErrorCode::Forbidden, "Peran Anda tidak diizinkan melakukan tindakan ini.")
    }
    pub fn not_found(what: &str) -> Self {
        Error::new(ErrorCode::NotFound, format!("{what} tidak ditemukan."))
    }
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Error::new(ErrorCode::Internal, "Terjadi kesalahan di dalam aplikasi. Data yang sudah tersimpan aman; coba lagi atau hubungi administrator.")
    }
}

/// The shared rules (NIK, biodata) refuse a field; here that is a validation error on that field.
impl From<loket_contract::FieldError> for Error {
    fn from(e: loket_contract::FieldError) -> Self {
        Error::field(e.field, e.message)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        tracing::error!(error = %e, "database error");
        Error::new(
            ErrorCode::Storage,
            "Basis data tidak dapat diakses. Data yang sudah tersimpan aman; coba lagi atau hubungi administrator.",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_field_of_the_shared_rules_is_a_validation_error_on_that_field() {
        let e = Error::from(loket_contract::FieldError::new("nik", "NIK harus 16 angka."));
        assert_eq!(e, Error::field("nik", "NIK harus 16 angka."));
        assert_eq!(e.code, ErrorCode::Validation);
        assert_eq!(e.field.as_deref(), Some("nik"));
    }
}
