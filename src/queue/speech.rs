//! What the display says for a call, as a list of clips from assets/audio:
//! chime, "nomor antrian", the letter, the number in words, "silakan menuju", "loket", the counter.

/// Indonesian number words as clip names: 7 → tujuh; 11 → sebelas; 21 → dua puluh satu;
/// 105 → seratus lima; 1999 → seribu sembilan ratus sembilan puluh sembilan. 0 gives nothing
/// (ticket and counter numbers start at 1).
pub fn number_words(n: u32) -> Vec<&'static str> {
    const UNITS: [&str; 10] = ["", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];
    let mut out = Vec::new();
    let thousands = n / 1000;
    let rest = n % 1000;
    match thousands {
        0 => {}
        1 => out.push("seribu"),
        t => {
            out.extend(number_words(t));
            out.push("ribu");
        }
    }
    let hundreds = rest / 100;
    let tens_units = rest % 100;
    match hundreds {
        0 => {}
        1 => out.push("seratus"),
        h => out.extend([UNITS[h as usize], "ratus"]),
    }
    match tens_units {
        0 => {}
        10 => out.push("sepuluh"),
        11 => out.push("sebelas"),
        12..=19 => out.extend([UNITS[(tens_units - 10) as usize], "belas"]),
        1..=9 => out.push(UNITS[tens_units as usize]),
        _ => {
            out.extend([UNITS[(tens_units / 10) as usize], "puluh"]);
            if tens_units % 10 != 0 {
                out.push(UNITS[(tens_units % 10) as usize]);
            }
        }
    }
    out
}

/// The clip names for calling `number` (e.g. "A-021") to counter `counter_number`.
pub fn call_clips(number: &str, counter_number: u32) -> Vec<String> {
    let (letter, digits) = number.split_once('-').unwrap_or(("", number));
    let mut clips = vec!["chime".to_string(), "nomor-antrian".to_string()];
    for c in letter.chars().filter(|c| c.is_ascii_alphabetic()) {
        clips.push(format!("huruf-{}", c.to_ascii_lowercase()));
    }
    clips.extend(number_words(digits.parse().unwrap_or(0)).into_iter().map(String::from));
    clips.push("silakan-menuju".into());
    clips.push("loket".into());
    clips.extend(number_words(counter_number).into_iter().map(String::from));
    clips
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: u32) -> String {
        number_words(n).join(" ")
    }

    #[test]
    fn numbers_in_words() {
        assert_eq!(words(1), "satu");
        assert_eq!(words(7), "tujuh");
        assert_eq!(words(10), "sepuluh");
        assert_eq!(words(11), "sebelas");
        assert_eq!(words(12), "dua belas");
        assert_eq!(words(19), "sembilan belas");
        assert_eq!(words(20), "dua puluh");
        assert_eq!(words(21), "dua puluh satu");
        assert_eq!(words(99), "sembilan puluh sembilan");
        assert_eq!(words(100), "seratus");
        assert_eq!(words(105), "seratus lima");
        assert_eq!(words(111), "seratus sebelas");
        assert_eq!(words(250), "dua ratus lima puluh");
        assert_eq!(words(999), "sembilan ratus sembilan puluh sembilan");
        assert_eq!(words(1000), "seribu");
        assert_eq!(words(1001), "seribu satu");
        assert_eq!(words(2016), "dua ribu enam belas");
        assert_eq!(words(0), "");
    }

    #[test]
    fn a_call_is_chime_phrase_letter_number_counter() {
        assert_eq!(
            call_clips("A-021", 2),
            ["chime", "nomor-antrian", "huruf-a", "dua", "puluh", "satu", "silakan-menuju", "loket", "dua"]
        );
        assert_eq!(call_clips("C-105", 11).join(" "), "chime nomor-antrian huruf-c seratus lima silakan-menuju loket sebelas");
    }

    /// Every clip any ticket (A–Z, 1–999) or counter (1–99) can need is shipped in assets/audio.
    #[test]
    fn every_clip_exists() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/audio");
        let listed = std::fs::read_to_string(dir.join("clips.txt")).expect("assets/audio/clips.txt");
        let listed: std::collections::BTreeSet<&str> = listed.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let mut needed = std::collections::BTreeSet::new();
        for letter in 'A'..='Z' {
            for n in [1, 7, 11, 15, 21, 100, 105, 110, 999] {
                needed.extend(call_clips(&format!("{letter}-{n:03}"), (n % 99) + 1));
            }
        }
        for n in 1..=999 {
            needed.extend(number_words(n).into_iter().map(String::from));
        }
        for clip in &needed {
            assert!(listed.contains(clip.as_str()), "clip {clip} not in clips.txt");
            assert!(dir.join(format!("{clip}.wav")).is_file(), "assets/audio/{clip}.wav missing");
        }
    }
}
