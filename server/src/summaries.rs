//! The offices' daily summaries: what each kecamatan's day report said when the day was closed,
//! one per office and day (the latest generated), for the kabupaten to see every kecamatan at once.
//! Listed by `loket-central summaries` and `GET /api/v1/summaries` (behind the reports token).

use crate::error::{Code, Error, Result};
use crate::storage::{DailySummary, SummaryFilter};
use crate::Central;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The figures a line shows, by their label in the office's report, in this order.
pub const KEY_FIGURES: [&str; 6] = ["Tiket diambil", "Dilayani", "Perekaman selesai", "KTP-el dicetak", "KTP-el diserahkan", "Pengaduan diterima"];

/// The filter from the words a person typed: a kecamatan code and `YYYY-MM-DD` days.
pub fn filter(office: Option<&str>, from: Option<&str>, to: Option<&str>) -> Result<SummaryFilter> {
    let office = office.filter(|o| !o.trim().is_empty()).map(crate::office_code).transpose()?;
    let day = |name: &str, v: Option<&str>| -> Result<Option<NaiveDate>> {
        match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| Error::new(Code::BadRequest, format!("Tanggal {name} '{v}' tidak sah; tulis TTTT-BB-HH, mis. 2026-11-23."))),
        }
    };
    let (from, to) = (day("awal (from)", from)?, day("akhir (to)", to)?);
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(Error::new(Code::BadRequest, format!("Tanggal awal {f} sesudah tanggal akhir {t}.")));
        }
    }
    Ok(SummaryFilter { office, from, to })
}

pub fn list(central: &Central, filter: &SummaryFilter) -> Result<Vec<DailySummary>> {
    central.store.read(|tx| tx.daily_summaries(filter))
}

/// A key figure of a summary, when the office's report had it.
pub fn key_figure(s: &DailySummary, label: &str) -> Option<f64> {
    s.figures.iter().find(|f| f.label == label).map(|f| f.value)
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v:.2}") }
}

/// One line per office and day: `61.01.09  2026-11-23  Tiket diambil 5  Dilayani 3 …`.
pub fn render(list: &[DailySummary]) -> String {
    if list.is_empty() {
        return "(belum ada ringkasan harian)\n".into();
    }
    let mut out = String::new();
    for s in list {
        out.push_str(&format!("{}  {}", s.office, s.day));
        for label in KEY_FIGURES {
            if let Some(v) = key_figure(s, label) {
                out.push_str(&format!("  {label} {}", number(v)));
            }
        }
        out.push_str(&format!("  (dibuat {})\n", s.generated_at.format("%Y-%m-%d %H:%M UTC")));
    }
    out
}

/// The same as CSV: office, day, generated_at and one column per key figure (empty when absent).
pub fn csv(list: &[DailySummary]) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["kantor".to_string(), "tanggal".into(), "dibuat".into()];
    header.extend(KEY_FIGURES.iter().map(|l| l.to_string()));
    w.write_record(&header).map_err(Error::internal)?;
    for s in list {
        let mut row = vec![s.office.clone(), s.day.to_string(), s.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)];
        row.extend(KEY_FIGURES.iter().map(|l| key_figure(s, l).map(number).unwrap_or_default()));
        w.write_record(&row).map_err(Error::internal)?;
    }
    String::from_utf8(w.into_inner().map_err(Error::internal)?).map_err(Error::internal)
}

/// The token that opens `GET /api/v1/summaries`, kept as its hash so the comparison takes the same
/// time whatever the length or the first wrong letter.
#[derive(Clone)]
pub struct ReportsToken([u8; 32]);

impl ReportsToken {
    pub fn new(token: &str) -> Result<ReportsToken> {
        let token = token.trim();
        if token.len() < 16 {
            return Err(Error::new(Code::Validation, "Token laporan terlalu pendek: paling sedikit 16 huruf."));
        }
        Ok(ReportsToken(Sha256::digest(token.as_bytes()).into()))
    }

    /// From `--reports-token-file` (its first line), or else `LOKET_CENTRAL_REPORTS_TOKEN`; none
    /// when neither is given.
    pub fn configured(file: Option<&std::path::Path>, env: Option<String>) -> Result<Option<ReportsToken>> {
        let text = match file {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| Error::new(Code::Validation, format!("Berkas token laporan {} tidak dapat dibaca: {e}", path.display())))?,
            None => match env {
                Some(t) if !t.trim().is_empty() => t,
                _ => return Ok(None),
            },
        };
        ReportsToken::new(text.lines().next().unwrap_or_default()).map(Some)
    }

    /// Whether an `Authorization` header carries this token as `Bearer <token>`.
    pub fn admits(&self, authorization: Option<&str>) -> bool {
        let Some(given) = authorization.and_then(|v| v.strip_prefix("Bearer ")) else { return false };
        let hash: [u8; 32] = Sha256::digest(given.trim().as_bytes()).into();
        bool::from(hash.ct_eq(&self.0))
    }
}
