//! The one error type of central: a stable code, an HTTP status and a message in Bahasa Indonesia.
//! It leaves the server as `wire::WireError {code, message}`; storage errors are logged, never shown.

use loket_contract::wire::WireError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    EnrollTokenInvalid,
    Unauthenticated,
    DeviceRevoked,
    WrongOffice,
    BatchTooLarge,
    BatchMalformed,
    BadRequest,
    NotFound,
    MethodNotAllowed,
    Conflict,
    Validation,
    Storage,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::EnrollTokenInvalid => "ENROLL_TOKEN_INVALID",
            Code::Unauthenticated => "UNAUTHENTICATED",
            Code::DeviceRevoked => "DEVICE_REVOKED",
            Code::WrongOffice => "WRONG_OFFICE",
            Code::BatchTooLarge => "BATCH_TOO_LARGE",
            Code::BatchMalformed => "BATCH_MALFORMED",
            Code::BadRequest => "BAD_REQUEST",
            Code::NotFound => "NOT_FOUND",
            Code::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            Code::Conflict => "CONFLICT",
            Code::Validation => "VALIDATION",
            Code::Storage => "STORAGE",
            Code::Internal => "INTERNAL",
        }
    }

    pub fn status(self) -> u16 {
        match self {
            Code::EnrollTokenInvalid | Code::Unauthenticated | Code::DeviceRevoked => 401,
            Code::WrongOffice => 403,
            Code::BatchTooLarge => 413,
            Code::BatchMalformed | Code::BadRequest => 400,
            Code::NotFound => 404,
            Code::MethodNotAllowed => 405,
            Code::Conflict => 409,
            Code::Validation => 422,
            Code::Storage | Code::Internal => 500,
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub code: Code,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: Code, message: impl Into<String>) -> Error {
        Error { code, message: message.into() }
    }

    /// A storage failure: the detail goes to the log, the caller gets a message to retry.
    pub fn storage(detail: impl std::fmt::Display) -> Error {
        tracing::error!(%detail, "storage error");
        Error::new(Code::Storage, "Penyimpanan server pusat gagal. Coba lagi sebentar lagi.")
    }

    pub fn internal(detail: impl std::fmt::Display) -> Error {
        tracing::error!(%detail, "internal error");
        Error::new(Code::Internal, "Terjadi kesalahan di server pusat.")
    }

    pub fn to_wire(&self) -> WireError {
        WireError { code: self.code.as_str().to_string(), message: self.message.clone() }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        Error::storage(e)
    }
}

impl From<postgres::Error> for Error {
    fn from(e: postgres::Error) -> Error {
        Error::storage(e)
    }
}
