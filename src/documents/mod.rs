//! Printed papers for applicants: the return slip (what is missing) and the recording receipt.
//!
//! Each paper comes two ways from the same data:
//! - an A5 portrait PDF for the office's laser/inkjet printer ([`return_slip_pdf_a5`],
//!   [`receipt_pdf_a5`]): a letterhead, the title, a label/value table, the list that matters, a QR
//!   code beside the officer's signature block; always exactly one page;
//! - a thermal [`Slip`](crate::thermal::Slip) for a 58/80 mm roll ([`return_slip_thermal`],
//!   [`receipt_thermal`]) that the caller turns into ESC/POS (`.escpos(width)`) or a roll PDF
//!   (`.pdf(width, title)`).
//!
//! These are pure functions of their input: no database, no clock. Dates come formatted by the
//! caller. Text is reduced to printable ASCII ([`to_ascii`](crate::thermal::to_ascii)) because the
//! PDFs use the base-14 Helvetica and Courier (WinAnsi) and roll printers their ASCII code page.

mod layout;
mod paper;
mod personal;
mod receipt;
mod return_slip;
mod thermal_fields;

pub use personal::{personal_pdf, PersonalDocument};
pub use receipt::{receipt_pdf_a5, receipt_thermal, RecordingReceipt};
pub use return_slip::{return_slip_pdf_a5, return_slip_thermal, MissingItem, ReturnSlip};
