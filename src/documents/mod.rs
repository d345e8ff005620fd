//! Printed papers for applicants: the return slip (what is missing), the recording receipt, the
//! pickup receipt, the complaint's tracking slip, and the Suket letter (A4, [`suket_pdf`]).
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

pub(crate) mod images;
pub(crate) mod layout;
mod complaint;
mod paper;
mod pickup;
mod receipt;
mod recovery_key;
mod return_slip;
mod suket;
mod thermal_fields;


use crate::error::{Error, Result};
use crate::thermal::PaperWidth;

/// The papers a personal document comes on: `a5` (the office printer), `80` and `58` (roll widths).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A5,
    Roll(PaperWidth),
}

impl Paper {
    /// `None` is A5; anything but `a5`, `80` or `58` is refused naming the field.
    pub fn parse(paper: Option<&str>) -> Result<Paper> {
        match paper.unwrap_or("a5") {
            "a5" => Ok(Paper::A5),
            "80" => Ok(Paper::Roll(PaperWidth::Mm80)),
            "58" => Ok(Paper::Roll(PaperWidth::Mm58)),
            _ => Err(Error::field("paper", "Ukuran kertas: a5, 80 atau 58.")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Paper::A5 => "a5",
            Paper::Roll(PaperWidth::Mm80) => "80",
            Paper::Roll(PaperWidth::Mm58) => "58",
        }
    }
}

/// A file name made of letters, digits, `-`, `_` and `.` only: `stem-paper.ext`. No folders, no
/// surprises when a shell saves it or a browser offers it as a download.
pub fn file_name(stem: &str, paper: &str, ext: &str) -> String {
    let clean = |s: &str| -> String {
        s.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') { c } else { '-' }).collect()
    };
    let stem = clean(stem).trim_matches(|c| c == '.' || c == '-').chars().take(80).collect::<String>();
    let stem = if stem.is_empty() { "dokumen".to_string() } else { stem };
    let paper = clean(paper);
    if paper.is_empty() { format!("{stem}.{ext}") } else { format!("{stem}-{paper}.{ext}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_only_safe_characters() {
        assert_eq!(file_name("tanda-pengembalian-PMH-20261121-0001", "a5", "pdf"), "tanda-pengembalian-PMH-20261121-0001-a5.pdf");
        assert_eq!(file_name("../../etc/passwd", "80", "pdf"), "etc-passwd-80.pdf");
        assert_eq!(file_name("", "a5", "pdf"), "dokumen-a5.pdf");
        assert_eq!(file_name("tiket A/007", "", "pdf"), "tiket-A-007.pdf");
        assert!(!file_name(&"x".repeat(500), "58", "pdf").contains('/'));
        assert!(file_name(&"x".repeat(500), "58", "pdf").len() <= 80 + 8);
    }

    #[test]
    fn papers_parse_or_name_the_field() {
        assert_eq!(Paper::parse(None).unwrap(), Paper::A5);
        assert_eq!(Paper::parse(Some("58")).unwrap().as_str(), "58");
        assert_eq!(Paper::parse(Some("a4")).unwrap_err().field.as_deref(), Some("paper"));
    }
}
pub use complaint::{complaint_pdf_a5, complaint_thermal, ComplaintSlip};
pub use pickup::{pickup_pdf_a5, pickup_thermal, PickupReceipt};
pub use receipt::{receipt_pdf_a5, receipt_thermal, RecordingReceipt};
pub use recovery_key::{recovery_key_pdf, RecoveryKeyPage};
pub use suket::{suket_pdf, SuketLetter};
pub use return_slip::{return_slip_pdf_a5, return_slip_thermal, MissingItem, ReturnSlip};
