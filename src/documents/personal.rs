//! The one gate for PDFs with personal data (return slip, recording receipt): the same session
//! token and roles as for commands. The hub's HTTP routes and the desktop window both come here.

use crate::app::App;
use crate::auth::Role;
use crate::error::{Error, Result};
use serde::Deserialize;

/// Which personal paper is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonalDocument {
    /// Tanda pengembalian berkas: counter roles.
    ReturnSlip,
    /// Bukti perekaman: recording roles and the counter roles who hand it over.
    Receipt,
}

impl PersonalDocument {
    pub fn roles(self) -> &'static [Role] {
        match self {
            PersonalDocument::ReturnSlip => crate::intake::INTAKE_ROLES,
            PersonalDocument::Receipt => &[Role::RecordingOperator, Role::CounterOfficer, Role::Supervisor],
        }
    }
}

/// The PDF of `document` for the application or recording `id` on `paper` ("a5", "80", "58"),
/// for a logged-in session with one of the document's roles. Counts as session activity.
pub fn personal_pdf(app: &App, token: Option<&str>, document: PersonalDocument, id: &str, paper: &str) -> Result<Vec<u8>> {
    let caller = crate::auth::authenticate(app, token.ok_or_else(Error::unauthenticated)?, true)?;
    if !crate::api::Access::Roles(document.roles()).allows(&caller.roles) {
        return Err(Error::forbidden());
    }
    match document {
        PersonalDocument::ReturnSlip => crate::intake::return_slip_pdf(app, id, paper),
        PersonalDocument::Receipt => crate::recording::receipt_pdf(app, id, paper),
    }
}
