//! The biodata form and its validation, shared with `loket-central`: they live in the `loket_contract` crate.

pub use loket_contract::biodata::*;
