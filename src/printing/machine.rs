//! The print job's life as a pure function: which step may follow which, and what each step does
//! to the blank in the printer. `jobs.rs` applies it inside the writer's transaction; the property
//! test drives it with random steps.
//!
//! ```text
//! queued ──claim──► printing ──printer done──► personalising ──chip written──► checking ──ok──► done
//!   ▲  │               │  └─printer refused/aborted─► interrupted            │                  │
//!   │  └─cancel─► cancelled   (crash) ─────────────►      │  ──chip failed──► spoiled ◄─spoil───┘
//!   └──── blank never went in (release) ◄─────────────────┘ ──card is good──► checking
//! ```

use crate::stock::SpoilCause;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Waiting for a blank and a printer.
    Queued,
    /// Sent to the card printer with a blank in it.
    Printing,
    /// The printer is done; the chip is being written by Dukcapil's encoder.
    Personalising,
    /// The operator compares the card with the screen.
    Checking,
    Done,
    Spoiled,
    /// The hub stopped mid-job, or the printer gave up: the operator says what happened to the blank.
    Interrupted,
    Cancelled,
}

impl JobState {
    pub const ALL: [JobState; 8] = [
        JobState::Queued,
        JobState::Printing,
        JobState::Personalising,
        JobState::Checking,
        JobState::Done,
        JobState::Spoiled,
        JobState::Interrupted,
        JobState::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Printing => "printing",
            JobState::Personalising => "personalising",
            JobState::Checking => "checking",
            JobState::Done => "done",
            JobState::Spoiled => "spoiled",
            JobState::Interrupted => "interrupted",
            JobState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<JobState> {
        JobState::ALL.into_iter().find(|j| j.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            JobState::Queued => "Menunggu cetak",
            JobState::Printing => "Sedang dicetak",
            JobState::Personalising => "Menulis chip",
            JobState::Checking => "Periksa kartu",
            JobState::Done => "Selesai",
            JobState::Spoiled => "Blangko rusak",
            JobState::Interrupted => "Terputus — tentukan nasib blangko",
            JobState::Cancelled => "Dibatalkan",
        }
    }

    /// Open jobs hold the record: one per record at a time.
    pub fn is_open(self) -> bool {
        matches!(self, JobState::Queued | JobState::Printing | JobState::Personalising | JobState::Checking | JobState::Interrupted)
    }

    /// A blank is in the printer (held by the job) in these states.
    pub fn holds_blank(self) -> bool {
        matches!(self, JobState::Printing | JobState::Personalising | JobState::Checking | JobState::Interrupted)
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The operator pressed print with a blank in the printer: the job claims the blank.
    Claim,
    /// The printer refused the job before printing (unreachable, paused): the blank is back in the drawer.
    SubmitFailed,
    /// The printer finished the card.
    PrinterDone,
    /// The printer aborted or cancelled the job: nobody knows what the blank looks like.
    PrinterAborted,
    /// The encoder wrote the chip.
    Encoded,
    /// The encoder failed: the blank is spoiled ("gagal encoding").
    EncodeFailed,
    /// The operator confirms the card against the screen.
    Confirmed,
    /// The operator marks the card spoiled.
    Spoil(SpoilCause),
    /// After an interruption: the blank never went in.
    BlankUnused,
    /// After an interruption: the card came out good; check it.
    CardGood,
    /// The hub restarted while the job was at the printer or the encoder.
    Crashed,
    Cancel,
}

/// What a step does to the blank the job holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlankEffect {
    None,
    Hold,
    Release,
    Printed,
    Spoiled(SpoilCause),
}

/// The one rule: the state after `step`, and the blank's fate; None when the step cannot happen now.
pub fn next(state: JobState, step: &Step) -> Option<(JobState, BlankEffect)> {
    use JobState::*;
    Some(match (state, step) {
        (Queued, Step::Claim) => (Printing, BlankEffect::Hold),
        (Queued, Step::Cancel) => (Cancelled, BlankEffect::None),
        (Printing, Step::SubmitFailed) => (Queued, BlankEffect::Release),
        (Printing, Step::PrinterDone) => (Personalising, BlankEffect::None),
        (Printing, Step::PrinterAborted) => (Interrupted, BlankEffect::None),
        (Printing | Personalising, Step::Crashed) => (Interrupted, BlankEffect::None),
        (Personalising, Step::Encoded) => (Checking, BlankEffect::None),
        (Personalising, Step::EncodeFailed) => (Spoiled, BlankEffect::Spoiled(SpoilCause::GagalEncoding)),
        (Checking, Step::Confirmed) => (Done, BlankEffect::Printed),
        (Printing | Checking | Interrupted, Step::Spoil(cause)) => (Spoiled, BlankEffect::Spoiled(*cause)),
        (Interrupted, Step::BlankUnused) => (Queued, BlankEffect::Release),
        (Interrupted, Step::CardGood) => (Checking, BlankEffect::None),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            Just(Step::Claim),
            Just(Step::SubmitFailed),
            Just(Step::PrinterDone),
            Just(Step::PrinterAborted),
            Just(Step::Encoded),
            Just(Step::EncodeFailed),
            Just(Step::Confirmed),
            Just(Step::Spoil(SpoilCause::PrinterMacet)),
            Just(Step::BlankUnused),
            Just(Step::CardGood),
            Just(Step::Crashed),
            Just(Step::Cancel),
        ]
    }

    proptest! {
        /// Following the rule, a blank is held exactly while the job's state says so, it is held
        /// before it is printed or spoiled, and a job ends (done, spoiled, cancelled) for good.
        #[test]
        fn the_blank_follows_the_job(steps in proptest::collection::vec(step(), 0..60)) {
            let mut state = JobState::Queued;
            let mut held = false;
            let mut fate: Option<BlankEffect> = None;
            for s in &steps {
                let Some((to, effect)) = next(state, s) else { continue };
                match effect {
                    BlankEffect::Hold => { prop_assert!(!held); held = true; }
                    BlankEffect::Release => { prop_assert!(held); held = false; }
                    BlankEffect::Printed | BlankEffect::Spoiled(_) => {
                        prop_assert!(held, "{:?} without a blank", effect);
                        held = false;
                        fate = Some(effect);
                    }
                    BlankEffect::None => {}
                }
                prop_assert!(!(fate.is_some() && to.is_open()), "a job whose blank is used is closed");
                state = to;
                prop_assert_eq!(held, state.holds_blank(), "after {:?} in {:?}", s, state);
            }
            if state == JobState::Done { prop_assert_eq!(fate, Some(BlankEffect::Printed)); }
            if state == JobState::Spoiled { prop_assert!(matches!(fate, Some(BlankEffect::Spoiled(_)))); }
        }
    }

    #[test]
    fn ended_jobs_accept_nothing() {
        for end in [JobState::Done, JobState::Spoiled, JobState::Cancelled] {
            for s in [Step::Claim, Step::Confirmed, Step::Spoil(SpoilCause::Lainnya), Step::BlankUnused, Step::Crashed, Step::Cancel] {
                assert_eq!(next(end, &s), None, "{end:?} then {s:?}");
            }
        }
    }
}
