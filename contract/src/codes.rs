//! The code lists of the registration form, as SIAK writes them. Values are stored as this text.

pub const RELIGIONS: &[&str] =
    &["ISLAM", "KRISTEN", "KATHOLIK", "HINDU", "BUDHA", "KHONGHUCU", "KEPERCAYAAN TERHADAP TUHAN YME"];

pub const MARITAL_STATUSES: &[&str] = &["BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI"];

pub const BLOOD_TYPES: &[&str] =
    &["A", "B", "AB", "O", "A+", "A-", "B+", "B-", "AB+", "AB-", "O+", "O-", "TIDAK TAHU"];

pub const EDUCATION: &[&str] = &[
    "TIDAK/BELUM SEKOLAH",
    "BELUM TAMAT SD/SEDERAJAT",
    "TAMAT SD/SEDERAJAT",
    "SLTP/SEDERAJAT",
    "SLTA/SEDERAJAT",
    "DIPLOMA I/II",
    "AKADEMI/DIPLOMA III/SARJANA MUDA",
    "DIPLOMA IV/STRATA I",
    "STRATA II",
    "STRATA III",
];

pub const CITIZENSHIP: &[&str] = &["WNI", "WNA"];

/// Jenis pekerjaan, in SIAK's numbering (code = position + 1).
pub const OCCUPATIONS: &[&str] = &[
    "BELUM/TIDAK BEKERJA", "MENGURUS RUMAH TANGGA", "PELAJAR/MAHASISWA", "PENSIUNAN", "PEGAWAI NEGERI SIPIL",
    "TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI", "PERDAGANGAN", "PETANI/PEKEBUN", "PETERNAK", "NELAYAN/PERIKANAN",
    "INDUSTRI", "KONSTRUKSI", "TRANSPORTASI", "KARYAWAN SWASTA", "KARYAWAN BUMN", "KARYAWAN BUMD", "KARYAWAN HONORER",
    "BURUH HARIAN LEPAS", "BURUH TANI/PERKEBUNAN", "BURUH NELAYAN/PERIKANAN", "BURUH PETERNAKAN", "PEMBANTU RUMAH TANGGA",
    "TUKANG CUKUR", "TUKANG LISTRIK", "TUKANG BATU", "TUKANG KAYU", "TUKANG SOL SEPATU", "TUKANG LAS/PANDAI BESI",
    "TUKANG JAHIT", "TUKANG GIGI", "PENATA RIAS", "PENATA BUSANA", "PENATA RAMBUT", "MEKANIK", "SENIMAN", "TABIB",
    "PARAJI", "PERANCANG BUSANA", "PENTERJEMAH", "IMAM MASJID", "PENDETA", "PASTOR", "WARTAWAN", "USTADZ/MUBALIGH",
    "JURU MASAK", "PROMOTOR ACARA", "ANGGOTA DPR-RI", "ANGGOTA DPD", "ANGGOTA BPK", "PRESIDEN", "WAKIL PRESIDEN",
    "ANGGOTA MAHKAMAH KONSTITUSI", "ANGGOTA KABINET/KEMENTERIAN", "DUTA BESAR", "GUBERNUR", "WAKIL GUBERNUR", "BUPATI",
    "WAKIL BUPATI", "WALIKOTA", "WAKIL WALIKOTA", "ANGGOTA DPRD PROVINSI", "ANGGOTA DPRD KABUPATEN/KOTA", "DOSEN", "GURU",
    "PILOT", "PENGACARA", "NOTARIS", "ARSITEK", "AKUNTAN", "KONSULTAN", "DOKTER", "BIDAN", "PERAWAT", "APOTEKER",
    "PSIKIATER/PSIKOLOG", "PENYIAR TELEVISI", "PENYIAR RADIO", "PELAUT", "PENELITI", "SOPIR", "PIALANG", "PARANORMAL",
    "PEDAGANG", "PERANGKAT DESA", "KEPALA DESA", "BIARAWATI", "WIRASWASTA", "LAINNYA",
];

/// Case-insensitive match against a list; returns the list's own spelling.
pub fn pick(list: &[&'static str], value: &str) -> Option<&'static str> {
    let v = value.trim();
    list.iter().copied().find(|x| x.eq_ignore_ascii_case(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_complete_and_matching_ignores_case() {
        assert_eq!(OCCUPATIONS.len(), 89);
        assert_eq!(OCCUPATIONS[88], "LAINNYA");
        assert_eq!(RELIGIONS.len(), 7);
        assert_eq!(pick(RELIGIONS, " islam "), Some("ISLAM"));
        assert_eq!(pick(MARITAL_STATUSES, "kawin siri"), None);
    }
}
