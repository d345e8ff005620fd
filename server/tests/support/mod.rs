//! Helpers for the sync tests that run real processes (office hub, central) on loopback.
#![allow(dead_code)]

pub mod central_db;
pub mod pg;
pub mod processes;
pub mod proxy;
