//! A printer-independent slip: a list of lines (text, label/value pairs, QR code, separators, feeds)
//! that `escpos` renders to printer bytes and `pdf` renders to a roll-sized page. The ticket is one
//! slip; the recording receipt ("bukti perekaman") will be another built from the same lines.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// Character magnification, as the printer does it (ESC/POS `GS !`): 1–8 times wider and taller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    pub width: u8,
    pub height: u8,
}

impl Size {
    pub const NORMAL: Size = Size { width: 1, height: 1 };
    /// Double height, normal width: headings that must still fit a full line of text.
    pub const TALL: Size = Size { width: 1, height: 2 };
    pub const DOUBLE: Size = Size { width: 2, height: 2 };

    /// Same magnification both ways, clamped to what printers support (1–8).
    pub fn times(n: u8) -> Size {
        let n = n.clamp(1, 8);
        Size { width: n, height: n }
    }

    pub(crate) fn clamped(self) -> Size {
        Size { width: self.width.clamp(1, 8), height: self.height.clamp(1, 8) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Text, word-wrapped to the paper width. `\n` starts a new line.
    Text { text: String, align: Align, size: Size, bold: bool },
    /// Label on the left, value on the right ("NIK      6101xxxxxxxxxxxx"); the value goes to its
    /// own right-aligned line(s) when both do not fit.
    Pair { label: String, value: String, bold: bool },
    /// A QR code, centred.
    Qr { payload: String },
    /// A horizontal rule across the printable width.
    Separator,
    /// Blank space, in lines of normal text.
    Feed(u8),
}

/// A slip under construction. Every string is reduced to printable ASCII when it is added (see
/// [`to_ascii`]), so neither renderer ever sees a control byte from user data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Slip {
    pub lines: Vec<Line>,
}

impl Slip {
    pub fn new() -> Self {
        Slip::default()
    }

    pub fn text(mut self, text: &str, align: Align, size: Size, bold: bool) -> Self {
        self.lines.push(Line::Text { text: to_ascii(text), align, size: size.clamped(), bold });
        self
    }

    /// Centred text of normal size.
    pub fn center(self, text: &str) -> Self {
        self.text(text, Align::Center, Size::NORMAL, false)
    }

    pub fn pair(mut self, label: &str, value: &str, bold: bool) -> Self {
        self.lines.push(Line::Pair { label: to_ascii(label), value: to_ascii(value), bold });
        self
    }

    /// A QR code. The payload is kept as given apart from control characters: ticket ids and
    /// receipt numbers are ASCII.
    pub fn qr(mut self, payload: &str) -> Self {
        self.lines.push(Line::Qr { payload: payload.chars().filter(|c| !c.is_control()).collect() });
        self
    }

    pub fn separator(mut self) -> Self {
        self.lines.push(Line::Separator);
        self
    }

    pub fn feed(mut self, lines: u8) -> Self {
        self.lines.push(Line::Feed(lines));
        self
    }
}

/// Reduce text to what any ESC/POS code page prints the same way: printable ASCII (0x20–0x7E) plus
/// `\n`. Accents are dropped (`é` → `e`), common symbols get ASCII stand-ins (`–` → `-`, `“` → `"`),
/// other whitespace and control characters become spaces, and anything else becomes `?`.
pub fn to_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfkd() {
        match c {
            '\n' => out.push('\n'),
            ' '..='~' => out.push(c),
            c if is_combining_mark(c) => {}
            c if c.is_whitespace() || c.is_control() => out.push(' '),
            _ => out.push_str(match c {
                'ß' => "ss",
                'æ' => "ae",
                'Æ' => "AE",
                'œ' => "oe",
                'Œ' => "OE",
                'ø' => "o",
                'Ø' => "O",
                'đ' => "d",
                'Đ' => "D",
                'ł' => "l",
                'Ł' => "L",
                'ı' => "i",
                'þ' => "th",
                'Þ' => "Th",
                'ð' => "d",
                'Ð' => "D",
                '‘' | '’' | '‚' | '′' | '`' | '´' => "'",
                '“' | '”' | '„' | '″' | '«' | '»' => "\"",
                '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => "-",
                '•' | '·' | '∙' => "*",
                '×' => "x",
                '÷' => "/",
                '€' => "EUR",
                '©' => "(c)",
                '®' => "(R)",
                '°' => "o",
                _ => "?",
            }),
        }
    }
    out
}

/// Greedy word wrap to `cols` characters. Runs of spaces collapse to one; a word longer than a line
/// is split; `\n` forces a break. Always returns at least one (possibly empty) line.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    wrap_by(text, cols as f32, |s| s.chars().count() as f32)
}

/// Word wrap for centred text: as many lines as a greedy wrap to `max` needs, but as even as
/// possible, so a heading never ends with one orphaned word ("Sabtu, 21 November" / "2026 08.15 WIB"
/// rather than "Sabtu, 21 November 2026 08.15" / "WIB").
pub(crate) fn wrap_balanced(text: &str, max: f32, measure: impl Fn(&str) -> f32) -> Vec<String> {
    let greedy = wrap_by(text, max, &measure);
    if greedy.len() < 2 {
        return greedy;
    }
    // The narrowest width that still needs no more lines; the line count only grows as the width shrinks.
    let (mut lo, mut hi) = (0.0f32, max);
    for _ in 0..24 {
        let mid = (lo + hi) / 2.0;
        if wrap_by(text, mid, &measure).len() <= greedy.len() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    wrap_by(text, hi, &measure)
}

/// Word wrap by any width measure (characters for ESC/POS, points for the PDF).
pub(crate) fn wrap_by(text: &str, max: f32, measure: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let first = lines.len();
        let mut current = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if current.is_empty() { word.to_string() } else { format!("{current} {word}") };
            if measure(&candidate) <= max {
                current = candidate;
                continue;
            }
            if !current.is_empty() {
                lines.push(std::mem::take(&mut current));
            }
            // The word alone: split it while it is too long for a line.
            let mut rest = word;
            while measure(rest) > max {
                let mut cut = 0;
                for (i, c) in rest.char_indices() {
                    let end = i + c.len_utf8();
                    if measure(&rest[..end]) > max {
                        break;
                    }
                    cut = end;
                }
                if cut == 0 {
                    // Not even one character fits: give it a line of its own rather than loop.
                    cut = rest.chars().next().map_or(rest.len(), char::len_utf8);
                }
                lines.push(rest[..cut].to_string());
                rest = &rest[cut..];
            }
            current = rest.to_string();
        }
        if !current.is_empty() || lines.len() == first {
            lines.push(current);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_office_name_at_32_and_48() {
        let name = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kepulauan Seribu Utara";
        let at32 = wrap(name, 32);
        assert_eq!(at32, vec!["Dinas Kependudukan dan", "Pencatatan Sipil Kabupaten", "Kepulauan Seribu Utara"]);
        let at48 = wrap(name, 48);
        assert_eq!(at48, vec!["Dinas Kependudukan dan Pencatatan Sipil", "Kabupaten Kepulauan Seribu Utara"]);
        for l in at32.iter() {
            assert!(l.len() <= 32, "{l:?}");
        }
        // Nothing is lost: the words come back in order.
        assert_eq!(at32.join(" "), name);
        assert_eq!(at48.join(" "), name);
    }

    #[test]
    fn exact_fit_stays_on_one_line() {
        let s = "a".repeat(31) + " b"; // 33 chars
        assert_eq!(wrap(&s, 33), vec![s.clone()]);
        assert_eq!(wrap(&s, 32), vec!["a".repeat(31), "b".to_string()]);
        assert_eq!(wrap(&"x".repeat(32), 32), vec!["x".repeat(32)]);
    }

    #[test]
    fn long_words_are_split_and_newlines_break() {
        let w = "X".repeat(70);
        assert_eq!(wrap(&w, 32), vec!["X".repeat(32), "X".repeat(32), "X".repeat(6)]);
        assert_eq!(wrap("satu\ndua  tiga", 32), vec!["satu", "dua tiga"]);
        assert_eq!(wrap("", 32), vec![""]);
        assert_eq!(wrap("ab cd", 0), vec!["a", "b", "c", "d"]);
    }

    #[test]
    fn centred_text_wraps_evenly() {
        let chars = |s: &str| s.chars().count() as f32;
        let date = "Sabtu, 21 November 2026 08.15 WIB";
        assert_eq!(wrap(date, 32), vec!["Sabtu, 21 November 2026 08.15", "WIB"]);
        assert_eq!(wrap_balanced(date, 32.0, chars), vec!["Sabtu, 21 November", "2026 08.15 WIB"]);
        assert_eq!(wrap_balanced(date, 48.0, chars), vec![date]);
        let name = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kepulauan Seribu Utara";
        let lines = wrap_balanced(name, 32.0, chars);
        assert_eq!(lines.len(), wrap(name, 32).len());
        assert!(lines.iter().all(|l| l.len() <= 32));
        assert_eq!(lines.join(" "), name);
        assert_eq!(wrap_balanced(&"X".repeat(40), 32.0, chars).len(), 2);
    }

    #[test]
    fn transliterates_to_printable_ascii() {
        assert_eq!(to_ascii("Perekaman KTP-el Baru"), "Perekaman KTP-el Baru");
        assert_eq!(to_ascii("José Ñoño – “Café” Straße"), "Jose Nono - \"Cafe\" Strasse");
        assert_eq!(to_ascii("A\u{1b}@B\tC\u{a0}D"), "A @B C D");
        assert_eq!(to_ascii("日本"), "??");
        assert!(to_ascii("Łódź 1½ №5").bytes().all(|b| (0x20..0x7f).contains(&b)));
    }
}
