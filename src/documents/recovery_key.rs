//! The recovery key page: one A4 sheet the supervisor prints at setup and locks away. With it (and
//! a backup) the office's data opens on a new PC when this one is stolen, broken or reinstalled.

use super::layout::Face;
use super::paper::{fit, Paper, Row};
use crate::error::Result;

pub struct RecoveryKeyPage {
    pub office_name: String,
    /// `XXXX-XXXX-…`, as `vault::DbKey::recovery_text` gives it.
    pub recovery_key: String,
    pub fingerprint: String,
    /// Where this PC keeps the key ("penyimpan kunci sistem operasi", "berkas kunci …").
    pub kept_in: String,
    /// Formatted by the caller, in the office's zone.
    pub printed_at: String,
    pub printed_by: String,
    /// Who keeps the page; `None` leaves a dotted line to write the name on.
    pub holder: Option<String>,
}

pub fn recovery_key_pdf(p: &RecoveryKeyPage) -> Result<Vec<u8>> {
    let paper = fit("office_name", |k| {
        let mut s = Paper::a4(k);
        s.letterhead(&p.office_name, None);
        s.title("KUNCI PEMULIHAN DATA LOKET KTP-el", Some("RAHASIA - simpan di lemari terkunci, jangan difoto atau disalin"));
        s.number_box("KUNCI PEMULIHAN (28 huruf dan angka)", &p.recovery_key);
        let rows = [
            Row { label: "Kantor", value: &p.office_name, face: Face::Bold },
            Row { label: "Sidik kunci", value: &p.fingerprint, face: Face::Regular },
            Row { label: "Kunci di komputer ini", value: &p.kept_in, face: Face::Regular },
            Row { label: "Dicetak", value: &p.printed_at, face: Face::Regular },
            Row { label: "Dicetak oleh", value: &p.printed_by, face: Face::Regular },
        ];
        s.table(&rows, None)?;
        s.numbered(
            "Kapan kunci ini dipakai",
            &[
                "Data kantor (loket.db dan setiap cadangannya) terenkripsi. Komputer ini menyimpan kuncinya sendiri; \
                 kertas ini dipakai hanya bila kunci itu hilang: komputer rusak, dicuri, atau dipasang ulang."
                    .into(),
                "Memulihkan di komputer baru: pasang Loket KTP-el, lalu jalankan \
                 loket restore --from <berkas cadangan> --recovery-key <kunci di atas>."
                    .into(),
                "Kunci hilang tetapi data masih ada di komputer ini: loket key recover --recovery-key <kunci di atas>.".into(),
                "Huruf besar/kecil dan tanda hubung boleh diabaikan; salah ketik satu huruf akan ditolak, bukan dicoba.".into(),
            ],
        );
        s.numbered(
            "Menjaga kertas ini",
            &[
                "Siapa pun yang memegang kertas ini dan salinan data dapat membaca semua biodata, foto dan sidik jari. \
                 Simpan di lemari terkunci, terpisah dari disk cadangan."
                    .into(),
                "Sidik kunci di atas sama dengan yang tampil di Pengaturan > Keamanan data; bila berbeda, kertas ini \
                 bukan untuk data yang sekarang."
                    .into(),
            ],
        );
        let holder = p.holder.clone().unwrap_or_else(|| "(.............................)".into());
        s.two_signatures(("Yang menyimpan,", &holder, None), ("Mengetahui,", "(.............................)"))?;
        s.footer("Loket KTP-el - kunci pemulihan basis data kantor");
        Ok(s)
    })?;
    Ok(paper.canvas.into_pdf("Kunci pemulihan data Loket KTP-el"))
}
