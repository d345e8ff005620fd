//! The words of `pdftotext -bbox` / `-bbox-layout` output, for the tests that check where text sits
//! on a page (`#[path = "common/pdf_words.rs"] mod pdf_words;`).

/// One word: its text and box in points from the top-left corner of the page.
#[derive(Debug, Clone)]
pub struct Word {
    #[allow(dead_code)] // not every test reads it; shown when an assertion fails
    pub text: String,
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

fn attr(tag: &str, name: &str) -> f64 {
    let at = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
    tag[at..].split('"').next().unwrap().parse().unwrap()
}

/// Every `<word>` of the HTML pdftotext wrote, its text unescaped.
pub fn parse(html: &str) -> Vec<Word> {
    html.split("<word ")
        .skip(1)
        .map(|w| {
            let (tag, rest) = w.split_once('>').unwrap();
            let text = rest.split("</word>").next().unwrap();
            let text = text.replace("&amp;", "&").replace("&apos;", "'").replace("&quot;", "\"");
            Word { text, x0: attr(tag, "xMin"), y0: attr(tag, "yMin"), x1: attr(tag, "xMax"), y1: attr(tag, "yMax") }
        })
        .collect()
}
