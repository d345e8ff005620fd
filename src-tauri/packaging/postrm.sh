#!/bin/sh
# loket-ktp-el postrm. Even a purge keeps the office's data: /var/lib/loket holds the database and its
# TLS keys, /etc/loket the database key, and deleting either loses the office's records. They and the
# `loket` user are removed by hand only (README, "Removing").
set -e

if [ -d /run/systemd/system ]; then
  systemctl daemon-reload || true
fi
if [ "$1" = purge ] && { [ -d /var/lib/loket ] || [ -d /etc/loket ]; }; then
  echo "loket-ktp-el: data kantor tetap disimpan di /var/lib/loket dan kunci di /etc/loket (hapus sendiri bila memang tidak diperlukan)."
fi
exit 0
