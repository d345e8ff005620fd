//! The one command layer. Every user action is a command: a name, who may call it, a request type,
//! a response type and one function. A file output (a PDF, later CSV/XLSX) is a command too: it
//! answers with a [`FileOut`]. The Tauri IPC commands (`rpc`, `open_file`), `POST /api/v1/<name>` and
//! `GET /api/v1/files/<name>` are thin adapters over `Registry::dispatch`, so authentication, the
//! role check and the forced-password-change gate live here, once.

mod schema;

use crate::app::App;
use crate::auth::{self, Caller, Role};
use crate::error::{Error, ErrorCode, Result};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use ts_rs::TS;

pub use schema::{openapi_document, typescript_bindings};

/// Who may call a command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No login needed (setup, login, region lookups).
    Public,
    /// Any logged-in staff member.
    AnyStaff,
    /// Staff holding at least one of these roles.
    Roles(&'static [Role]),
}

impl Access {
    pub fn allows(&self, roles: &[Role]) -> bool {
        match self {
            Access::Public | Access::AnyStaff => true,
            Access::Roles(allowed) => roles.iter().any(|r| allowed.contains(r)),
        }
    }
}

/// Supervisors and administrators manage the office.
pub const MANAGERS: &[Role] = &[Role::Supervisor, Role::Administrator];

type Handler = Box<dyn Fn(&App, Option<&Caller>, Value) -> Result<Reply> + Send + Sync>;

/// A file a command answers with: the bytes, what they are, and the name to save them under.
#[derive(Debug, Clone)]
pub struct FileOut {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    /// A safe name with extension, e.g. `tanda-pengembalian-PMH-20261121-0001-a5.pdf`.
    pub file_name: String,
}

impl FileOut {
    pub fn pdf(bytes: Vec<u8>, file_name: impl Into<String>) -> FileOut {
        FileOut { bytes, content_type: "application/pdf", file_name: file_name.into() }
    }
}

/// What a command answers: JSON for the screens, or a file.
#[derive(Debug)]
pub enum Reply {
    Json(Value),
    File(FileOut),
}

pub struct Command {
    pub name: &'static str,
    pub access: Access,
    pub summary: &'static str,
    /// Usable while the caller still has to change a reset password (logout, me, change password).
    pub during_password_change: bool,
    /// A screen's background poll (the header's sync state): it does not count as the officer's
    /// activity, so the idle logout still happens.
    pub background: bool,
    /// Answers with a file (`Registry::add_file`): served at `GET /api/v1/files/<name>` and opened
    /// by the desktop's `open_file`, never by `POST /api/v1/<name>`.
    pub file: Option<&'static str>,
    handler: Handler,
    pub(crate) request_schema: fn(&mut SchemaGenerator) -> Schema,
    pub(crate) response_schema: fn(&mut SchemaGenerator) -> Schema,
    pub(crate) request_ts: fn() -> String,
    pub(crate) response_ts: fn() -> String,
    pub(crate) collect_ts: fn(&mut BTreeMap<String, String>),
}

/// An empty request or response: `{}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema, TS)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

#[derive(Default)]
pub struct Registry {
    commands: BTreeMap<&'static str, Command>,
}

impl Registry {
    /// Adds a command. `f` receives the caller (None only for public commands called without login).
    pub fn add<Req, Resp>(
        &mut self,
        name: &'static str,
        access: Access,
        summary: &'static str,
        f: fn(&App, Option<&Caller>, Req) -> Result<Resp>,
    ) -> &mut Command
    where
        Req: DeserializeOwned + JsonSchema + TS + 'static,
        Resp: Serialize + JsonSchema + TS + 'static,
    {
        self.insert::<Req, Resp>(name, access, summary, Box::new(move |app, caller, payload| {
            let resp = f(app, caller, parse_request(payload)?)?;
            serde_json::to_value(resp).map(Reply::Json).map_err(Error::internal)
        }))
    }

    /// Adds a command that needs a logged-in caller.
    pub fn add_staff<Req, Resp>(
        &mut self,
        name: &'static str,
        access: Access,
        summary: &'static str,
        f: fn(&App, &Caller, Req) -> Result<Resp>,
    ) -> &mut Command
    where
        Req: DeserializeOwned + JsonSchema + TS + 'static,
        Resp: Serialize + JsonSchema + TS + 'static,
    {
        assert!(access != Access::Public, "{name}: a staff command cannot be public");
        self.insert::<Req, Resp>(name, access, summary, Box::new(move |app, caller, payload| {
            let caller = caller.ok_or_else(Error::unauthenticated)?;
            let resp = f(app, caller, parse_request(payload)?)?;
            serde_json::to_value(resp).map(Reply::Json).map_err(Error::internal)
        }))
    }

    /// Adds a file output of `content_type` (e.g. `application/pdf`). `f` receives the caller (None
    /// only for a public file called without login). The request's fields arrive as text when the
    /// file is fetched over HTTP (the query string), so file requests use `String` fields.
    pub fn add_file<Req>(
        &mut self,
        name: &'static str,
        access: Access,
        content_type: &'static str,
        summary: &'static str,
        f: fn(&App, Option<&Caller>, Req) -> Result<FileOut>,
    ) -> &mut Command
    where
        Req: DeserializeOwned + JsonSchema + TS + 'static,
    {
        let cmd = self.insert::<Req, Empty>(name, access, summary, Box::new(move |app, caller, payload| {
            Ok(Reply::File(f(app, caller, parse_request(payload)?)?))
        }));
        cmd.file = Some(content_type);
        cmd
    }

    /// Adds a file output that needs a logged-in caller.
    pub fn add_staff_file<Req>(
        &mut self,
        name: &'static str,
        access: Access,
        content_type: &'static str,
        summary: &'static str,
        f: fn(&App, &Caller, Req) -> Result<FileOut>,
    ) -> &mut Command
    where
        Req: DeserializeOwned + JsonSchema + TS + 'static,
    {
        assert!(access != Access::Public, "{name}: a staff file cannot be public");
        let cmd = self.insert::<Req, Empty>(name, access, summary, Box::new(move |app, caller, payload| {
            let caller = caller.ok_or_else(Error::unauthenticated)?;
            Ok(Reply::File(f(app, caller, parse_request(payload)?)?))
        }));
        cmd.file = Some(content_type);
        cmd
    }

    fn insert<Req, Resp>(&mut self, name: &'static str, access: Access, summary: &'static str, handler: Handler) -> &mut Command
    where
        Req: DeserializeOwned + JsonSchema + TS + 'static,
        Resp: Serialize + JsonSchema + TS + 'static,
    {
        assert!(!self.commands.contains_key(name), "command {name} registered twice");
        let cmd = Command {
            name,
            access,
            summary,
            during_password_change: false,
            background: false,
            file: None,
            handler,
            request_schema: |g| g.subschema_for::<Req>(),
            response_schema: |g| g.subschema_for::<Resp>(),
            request_ts: <Req as TS>::name,
            response_ts: <Resp as TS>::name,
            collect_ts: |out| {
                schema::collect_ts::<Req>(out);
                schema::collect_ts::<Resp>(out);
            },
        };
        self.commands.entry(name).or_insert(cmd)
    }

    pub fn commands(&self) -> impl Iterator<Item = &Command> {
        self.commands.values()
    }

    pub fn get(&self, name: &str) -> Option<&Command> {
        self.commands.get(name)
    }

    /// Runs a JSON command (`POST /api/v1/<name>`, the window's `rpc`).
    pub fn dispatch(&self, app: &App, token: Option<&str>, name: &str, payload: Value) -> Result<Value> {
        match self.run(app, token, name, payload, false)? {
            Reply::Json(v) => Ok(v),
            Reply::File(_) => Err(Error::internal("a file output answered a JSON call")),
        }
    }

    /// Runs a file output (`GET /api/v1/files/<name>`, the window's `open_file`).
    pub fn dispatch_file(&self, app: &App, token: Option<&str>, name: &str, payload: Value) -> Result<FileOut> {
        match self.run(app, token, name, payload, true)? {
            Reply::File(f) => Ok(f),
            Reply::Json(_) => Err(Error::internal("a JSON command answered a file call")),
        }
    }

    /// The one access check, then the command: authenticates, checks the role and the forced
    /// password change, parses the request and runs it. JSON commands and file outputs both come
    /// here; a command asked for the wrong kind of answer is refused before anything runs.
    fn run(&self, app: &App, token: Option<&str>, name: &str, payload: Value, want_file: bool) -> Result<Reply> {
        let cmd = self.commands.get(name).ok_or_else(|| {
            Error::new(ErrorCode::UnknownCommand, format!("Perintah '{name}' tidak dikenal."))
        })?;
        if cmd.file.is_some() != want_file {
            let message = if want_file {
                format!("Perintah '{name}' tidak menghasilkan berkas.")
            } else {
                format!("Perintah '{name}' menghasilkan berkas: ambil lewat /api/v1/files/{name}.")
            };
            return Err(Error::new(ErrorCode::UnknownCommand, message));
        }
        let caller = match (cmd.access, token) {
            // A public command works with or without a (valid) session.
            (Access::Public, Some(t)) => auth::authenticate(app, t, !cmd.background).ok(),
            (Access::Public, None) => None,
            (_, None) => return Err(Error::unauthenticated()),
            (_, Some(t)) => Some(auth::authenticate(app, t, !cmd.background)?),
        };
        if let Some(c) = &caller {
            if cmd.access != Access::Public {
                if !cmd.access.allows(&c.roles) {
                    return Err(Error::forbidden());
                }
                if c.must_change_password && !cmd.during_password_change {
                    return Err(Error::new(
                        ErrorCode::PasswordChangeRequired,
                        "Anda harus mengganti kata sandi sebelum melanjutkan.",
                    ));
                }
            }
        }
        (cmd.handler)(app, caller.as_ref(), payload)
    }
}

impl Command {
    pub fn during_password_change(&mut self) -> &mut Self {
        self.during_password_change = true;
        self
    }

    pub fn background(&mut self) -> &mut Self {
        self.background = true;
        self
    }
}

/// Parses a request; the message names the field that is wrong, in Bahasa Indonesia.
fn parse_request<Req: DeserializeOwned>(payload: Value) -> Result<Req> {
    let payload = if payload.is_null() { Value::Object(Default::default()) } else { payload };
    serde_path_to_error::deserialize::<_, Req>(payload).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        if let Some(field) = inner.strip_prefix("missing field `").and_then(|s| s.split('`').next()) {
            let full = if path == "." { field.to_string() } else { format!("{path}.{field}") };
            return Error { code: ErrorCode::BadRequest, message: format!("Isian '{full}' wajib diisi."), field: Some(full) };
        }
        if let Some(field) = inner.strip_prefix("unknown field `").and_then(|s| s.split('`').next()) {
            return Error { code: ErrorCode::BadRequest, message: format!("Isian '{field}' tidak dikenal."), field: Some(field.to_string()) };
        }
        let why = if inner.starts_with("invalid type") {
            "jenis isinya salah"
        } else if inner.starts_with("unknown variant") {
            "pilihannya tidak dikenal"
        } else if inner.starts_with("invalid value") || inner.contains("out of range") {
            "nilainya di luar rentang"
        } else {
            "tidak valid"
        };
        Error { code: ErrorCode::BadRequest, message: format!("Isian '{path}' {why}."), field: Some(path) }
    })
}
