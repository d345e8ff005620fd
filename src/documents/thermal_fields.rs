//! Helpers for the thermal versions of the papers.

use crate::thermal::{to_ascii, Align, PaperWidth, Size, Slip};

/// "Label   value" on one line when both fit; otherwise the label on its own line and the value
/// under it, left-aligned and wrapped (a long name or address reads better flush left than
/// right-aligned in fragments).
pub(crate) fn field(slip: Slip, label: &str, value: &str, width: PaperWidth) -> Slip {
    let (l, v) = (to_ascii(label.trim()), to_ascii(value.trim()));
    let v = if v.is_empty() { "-".to_string() } else { v };
    if l.chars().count() + 1 + v.chars().count() <= width.columns() {
        slip.pair(&l, &v, false)
    } else {
        slip.text(&format!("{l}:"), Align::Left, Size::NORMAL, false).text(&v, Align::Left, Size::NORMAL, true)
    }
}

/// The office name and address at the top of a slip.
pub(crate) fn letterhead(slip: Slip, office: &str, address: Option<&str>) -> Slip {
    let mut s = slip.text(office, Align::Center, Size::NORMAL, true);
    if let Some(a) = address.map(str::trim).filter(|a| !a.is_empty()) {
        s = s.center(a);
    }
    s.separator()
}
