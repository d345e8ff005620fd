//! The error the shared rules give: a form field and what is wrong with it, in Bahasa Indonesia.
//! The office turns it into its `Error` (code `VALIDATION`, with the field); central reads the message.

/// A value the rules refuse. `field` is the form field's name (`nik`, `birth_date`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    /// For the officer, in Bahasa Indonesia.
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        FieldError { field, message: message.into() }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for FieldError {}

pub type Result<T> = std::result::Result<T, FieldError>;
