use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What a staff member may do. One person may hold several roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Petugas loket: queue, document checks.
    CounterOfficer,
    /// Operator rekam: KTP-el recording.
    RecordingOperator,
    /// Operator cetak: card printing, blangko stock.
    PrintOperator,
    Supervisor,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::CounterOfficer, Role::RecordingOperator, Role::PrintOperator, Role::Supervisor, Role::Administrator];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::CounterOfficer => "counter_officer",
            Role::RecordingOperator => "recording_operator",
            Role::PrintOperator => "print_operator",
            Role::Supervisor => "supervisor",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The Indonesian label officers see.
    pub fn label(self) -> &'static str {
        match self {
            Role::CounterOfficer => "Petugas Loket",
            Role::RecordingOperator => "Operator Rekam",
            Role::PrintOperator => "Operator Cetak",
            Role::Supervisor => "Supervisor",
            Role::Administrator => "Administrator",
        }
    }
}
