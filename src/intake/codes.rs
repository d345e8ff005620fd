//! The form's code lists, shared with `loket-central`: they live in the `loket_contract` crate.

pub use loket_contract::codes::*;
