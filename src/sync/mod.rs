//! Sending the office's records to the central server and taking its answers back (issue 5).
//! `outbox`: every change central must learn about, written in the same transaction as the change.
//! `wire`: the batch format both sides compile.

mod outbox;
pub mod wire;

pub use outbox::enqueue;
