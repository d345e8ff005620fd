//! The few ESC/POS commands a ticket needs, written by hand (Epson ESC/POS reference; every
//! 58/80 mm roll printer sold here speaks this subset).

use super::slip::{wrap, wrap_balanced, Align, Line, Size, Slip};
use super::PaperWidth;

const ESC: u8 = 0x1B;
const GS: u8 = 0x1D;
const LF: u8 = 0x0A;

/// `ESC @`: reset the printer to its power-on state.
pub const INIT: [u8; 2] = [ESC, b'@'];
/// `GS V 66 0`: feed to the cutter, then cut leaving a hinge (partial cut).
pub const PARTIAL_CUT: [u8; 4] = [GS, b'V', 66, 0];

/// QR module size in printer dots (203 dpi: 8 dots per mm).
fn qr_module_dots(width: PaperWidth) -> u8 {
    match width {
        PaperWidth::Mm58 => 6,
        PaperWidth::Mm80 => 8,
    }
}

/// The bytes of `GS ( k` function `fn_` with its parameters: `GS ( k pL pH cn fn params…`.
fn gs_k(out: &mut Vec<u8>, fn_: u8, params: &[u8]) {
    let len = params.len() + 2; // cn and fn count
    out.extend_from_slice(&[GS, b'(', b'k', (len & 0xFF) as u8, (len >> 8) as u8, 49, fn_]);
    out.extend_from_slice(params);
}

/// Native QR code (model 2, error correction M), stored then printed by the printer itself.
pub fn qr(out: &mut Vec<u8>, payload: &str, module_dots: u8) {
    // The printer's symbol store holds at most 7089 bytes; longer data would be silently garbled.
    let data = &payload.as_bytes()[..payload.len().min(7089)];
    gs_k(out, 65, &[50, 0]); // fn 165: model 2
    gs_k(out, 67, &[module_dots.clamp(1, 16)]); // fn 167: module size in dots
    gs_k(out, 69, &[49]); // fn 169: error correction level M (15 %)
    let mut store = vec![48];
    store.extend_from_slice(data);
    gs_k(out, 80, &store); // fn 180: store the data
    gs_k(out, 81, &[48]); // fn 181: print the stored symbol
}

/// Print mode as the printer holds it, so a command is sent only when the mode changes.
struct Mode {
    align: Align,
    bold: bool,
    size: Size,
}

impl Mode {
    /// What `ESC @` leaves: left-aligned, regular, 1×1.
    const RESET: Mode = Mode { align: Align::Left, bold: false, size: Size::NORMAL };

    fn set(&mut self, out: &mut Vec<u8>, align: Align, bold: bool, size: Size) {
        if align != self.align {
            let n = match align {
                Align::Left => 0,
                Align::Center => 1,
                Align::Right => 2,
            };
            out.extend_from_slice(&[ESC, b'a', n]); // ESC a n: justification
        }
        if bold != self.bold {
            out.extend_from_slice(&[ESC, b'E', bold as u8]); // ESC E n: emphasis
        }
        if size != self.size {
            // GS ! n: width multiplier in the high nibble, height in the low, both minus one.
            out.extend_from_slice(&[GS, b'!', ((size.width - 1) << 4) | (size.height - 1)]);
        }
        *self = Mode { align, bold, size };
    }
}

fn lines_out(out: &mut Vec<u8>, lines: Vec<String>) {
    for l in lines {
        out.extend_from_slice(l.as_bytes());
        out.push(LF);
    }
}

/// Render a slip to ESC/POS. Text is already printable ASCII (the slip builder sees to that), so
/// code page 437 (`ESC t 0`) prints it as written.
pub fn render(slip: &Slip, width: PaperWidth) -> Vec<u8> {
    let cols = width.columns();
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(&INIT);
    out.extend_from_slice(&[ESC, b't', 0]);
    let mut mode = Mode::RESET;
    for line in &slip.lines {
        match line {
            Line::Text { text, align, size, bold } => {
                mode.set(&mut out, *align, *bold, *size);
                let line_cols = (cols / size.width as usize).max(1);
                lines_out(
                    &mut out,
                    match align {
                        Align::Center => wrap_balanced(text, line_cols as f32, |t| t.chars().count() as f32),
                        _ => wrap(text, line_cols),
                    },
                );
            }
            Line::Pair { label, value, bold } => {
                mode.set(&mut out, Align::Left, *bold, Size::NORMAL);
                lines_out(&mut out, pair_lines(label, value, cols));
            }
            Line::Qr { payload } => {
                mode.set(&mut out, Align::Center, mode.bold, mode.size);
                qr(&mut out, payload, qr_module_dots(width));
                out.push(LF);
            }
            Line::Separator => {
                mode.set(&mut out, Align::Left, false, Size::NORMAL);
                lines_out(&mut out, vec!["-".repeat(cols)]);
            }
            Line::Feed(n) => out.extend_from_slice(&[ESC, b'd', *n]), // ESC d n: feed n lines
        }
    }
    mode.set(&mut out, Align::Left, false, Size::NORMAL);
    out.extend_from_slice(&PARTIAL_CUT);
    out
}

/// "Label   value" padded to `cols`; when they do not fit together, the label's lines come first
/// and the value follows right-aligned.
pub(crate) fn pair_lines(label: &str, value: &str, cols: usize) -> Vec<String> {
    let (l, v) = (label.trim(), value.trim());
    if l.len() + 1 + v.len() <= cols {
        return vec![format!("{l}{}{v}", " ".repeat(cols - l.len() - v.len()))];
    }
    let mut lines = wrap(l, cols);
    let value_lines = wrap_balanced(v, cols as f32, |t| t.chars().count() as f32);
    lines.extend(value_lines.into_iter().map(|s| format!("{s:>cols$}")));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_commands_carry_lengths_and_data() {
        let mut out = Vec::new();
        qr(&mut out, "abc", 6);
        #[rustfmt::skip]
        let expected: Vec<u8> = [
            &[GS, b'(', b'k', 4, 0, 49, 65, 50, 0][..],
            &[GS, b'(', b'k', 3, 0, 49, 67, 6],
            &[GS, b'(', b'k', 3, 0, 49, 69, 49],
            &[GS, b'(', b'k', 6, 0, 49, 80, 48, b'a', b'b', b'c'],
            &[GS, b'(', b'k', 3, 0, 49, 81, 48],
        ].concat();
        assert_eq!(out, expected);
        // A 300-byte payload needs the high length byte.
        let mut out = Vec::new();
        qr(&mut out, &"x".repeat(300), 6);
        let store = out.windows(7).position(|w| w[..3] == [GS, b'(', b'k'] && w[6] == 80).unwrap();
        assert_eq!((out[store + 3], out[store + 4]), ((303 % 256) as u8, 1));
    }

    #[test]
    fn text_lines_fit_the_paper() {
        let name = "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Kepulauan Seribu Utara";
        for (w, cols) in [(PaperWidth::Mm58, 32), (PaperWidth::Mm80, 48)] {
            let bytes =
                render(&Slip::new().center(name).text("SANGAT BESAR SEKALI", Align::Center, Size::DOUBLE, true), w);
            // Between commands, every printed line is at most `cols` characters (`cols/2` when double width).
            let text: Vec<&[u8]> = bytes.split(|b| *b == LF).collect();
            let printed: Vec<String> = text
                .iter()
                .map(|seg| {
                    let start = seg.iter().rposition(|b| !(0x20..0x7f).contains(b)).map_or(0, |i| i + 1);
                    String::from_utf8_lossy(&seg[start..]).into_owned()
                })
                .filter(|s| !s.is_empty())
                .collect();
            assert!(printed.len() >= 3, "{printed:?}");
            for l in &printed {
                assert!(l.len() <= cols, "{cols}: {l:?}");
            }
            assert!(printed.iter().any(|l| l.len() > cols - 12), "lines are used, not cut short: {printed:?}");
            assert!(printed.contains(&"SANGAT BESAR".to_string()) || cols == 48, "{printed:?}");
        }
    }

    #[test]
    fn pairs_pad_to_the_width_or_wrap() {
        assert_eq!(pair_lines("NIK", "6101010101010001", 32), vec![format!("NIK{}6101010101010001", " ".repeat(13))]);
        let long = pair_lines("Nama", "MUHAMMAD ABDURRAHMAN WAHID SANTOSO", 32);
        assert_eq!(long[0], "Nama");
        assert!(long[1..].iter().all(|l| l.len() == 32 && !l.starts_with("Nama")), "{long:?}");
    }
}
