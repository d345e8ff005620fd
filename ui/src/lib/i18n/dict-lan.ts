// UI text of the settings screen's security cards: data security (the encrypted database, its key
// and recovery page) and HTTPS on the office LAN (the office CA and how to install it), in Bahasa
// Indonesia (first) and English. Merged into dict.ts; the same key test covers both.

export const lanId = {
  'datakey.title': 'Keamanan data',
  'datakey.encrypted':
    'Basis data kantor (biodata, foto, tanda tangan, sidik jari, iris) dan setiap cadangannya terenkripsi. Salinan berkas tanpa kuncinya tidak dapat dibaca.',
  'datakey.plain': 'Basis data ini TIDAK terenkripsi.',
  'datakey.kept_in': 'Kunci di komputer ini',
  'datakey.fingerprint': 'Sidik kunci',
  'datakey.holder': 'Nama yang menyimpan kertas (boleh dikosongkan)',
  'datakey.file_hint':
    'Komputer ini tidak mempunyai penyimpan kunci sistem, jadi kunci ada di berkas yang hanya dapat dibaca pengguna Loket. Jangan salin berkas itu bersama cadangan.',
  'datakey.recovery_hint':
    'Cetak kunci pemulihan sekali dan simpan di lemari terkunci, terpisah dari disk cadangan: hanya dengan kunci itu cadangan dapat dibuka di komputer baru. Setiap pencetakan dicatat di jejak audit.',
  'lancert.title': 'Sertifikat HTTPS kantor',
  'lancert.intro':
    'Komputer lain di kantor membuka Loket lewat https://. Pasang sertifikat CA kantor ini sekali di setiap komputer kantor: peramban lalu mempercayai alamat Loket, dan meja perekaman dapat memakai kamera.',
  'lancert.fingerprint': 'Sidik jari SHA-256 sertifikat CA',
  'lancert.fingerprint_hint': 'Sebelum memasang, cocokkan sidik jari ini dengan yang ditampilkan komputer tujuan untuk berkas yang diunduh.',
  'lancert.download': 'Unduh sertifikat CA kantor',
  'lancert.download_at': 'Di komputer lain, buka alamat ini untuk mengunduh sertifikat:',
  'lancert.addresses': 'Alamat Loket untuk komputer lain:',
  'lancert.no_addresses': 'Komputer ini belum mempunyai alamat jaringan kantor (IPv4).',
  'lancert.valid_until': 'Sertifikat server berlaku sampai {date} dan diperbarui otomatis, juga bila alamat komputer ini berubah.',
  'lancert.guide': 'Cara memasang di komputer kantor',
  'lancert.windows':
    'Chrome / Edge di Windows: buka berkas loket-ca-kantor.crt → Pasang Sertifikat (Install Certificate) → Pengguna Saat Ini → "Tempatkan semua sertifikat di penyimpanan berikut" → Telusuri → "Otoritas Sertifikasi Akar Tepercaya" (Trusted Root Certification Authorities) → Selesai → Ya. Bisa juga lewat certmgr.msc atau, di Chrome/Edge, Setelan → Privasi dan keamanan → Keamanan → Kelola sertifikat → Impor. Tutup semua jendela peramban lalu buka lagi.',
  'lancert.firefox':
    'Firefox memakai penyimpanan sertifikatnya sendiri: Pengaturan → Privasi & Keamanan → Sertifikat → Lihat Sertifikat → tab Otoritas → Impor → pilih berkas → centang "Percayai CA ini untuk mengidentifikasi situs web" → OK.',
  'lancert.linux': 'Chromium / Chrome di Linux (paket libnss3-tools), lalu mulai ulang peramban:',
  'lancert.after': 'Setelah terpasang, buka alamat https:// di atas. Peringatan "Koneksi tidak aman" berarti sertifikat belum terpasang di peramban itu.',
} as const;

export const lanEn: Record<keyof typeof lanId, string> = {
  'datakey.title': 'Data security',
  'datakey.encrypted':
    'The office database (biodata, photos, signatures, fingerprints, irises) and every backup of it are encrypted. A copy of the file without its key cannot be read.',
  'datakey.plain': 'This database is NOT encrypted.',
  'datakey.kept_in': 'Key on this computer',
  'datakey.fingerprint': 'Key fingerprint',
  'datakey.holder': 'Name of who keeps the page (optional)',
  'datakey.file_hint':
    'This computer has no system credential store, so the key is in a file only the Loket user can read. Do not copy that file along with the backups.',
  'datakey.recovery_hint':
    'Print the recovery key once and keep it in a locked cabinet, away from the backup disk: only with it can a backup be opened on a new computer. Every print is recorded in the audit trail.',
  'lancert.title': 'Office HTTPS certificate',
  'lancert.intro':
    'Other computers in the office open Loket over https://. Install this office CA certificate once on each office computer: the browser then trusts Loket\'s address, and the recording desk can use the camera.',
  'lancert.fingerprint': 'SHA-256 fingerprint of the CA certificate',
  'lancert.fingerprint_hint': 'Before installing, compare this fingerprint with the one the other computer shows for the downloaded file.',
  'lancert.download': 'Download the office CA certificate',
  'lancert.download_at': 'On another computer, open this address to download the certificate:',
  'lancert.addresses': 'Loket\'s address for other computers:',
  'lancert.no_addresses': 'This computer has no office network (IPv4) address yet.',
  'lancert.valid_until': 'The server certificate is valid until {date} and renewed automatically, also when this computer\'s address changes.',
  'lancert.guide': 'How to install it on the office computers',
  'lancert.windows':
    'Chrome / Edge on Windows: open loket-ca-kantor.crt → Install Certificate → Current User → "Place all certificates in the following store" → Browse → "Trusted Root Certification Authorities" → Finish → Yes. Or use certmgr.msc, or in Chrome/Edge Settings → Privacy and security → Security → Manage certificates → Import. Close every browser window and open it again.',
  'lancert.firefox':
    'Firefox keeps its own certificate store: Settings → Privacy & Security → Certificates → View Certificates → Authorities → Import → choose the file → tick "Trust this CA to identify websites" → OK.',
  'lancert.linux': 'Chromium / Chrome on Linux (package libnss3-tools), then restart the browser:',
  'lancert.after': 'Once installed, open the https:// address above. A "Your connection is not private" warning means the certificate is not installed in that browser yet.',
};
