#!/bin/sh
# loket-ktp-el postinst: the hub service's own user and folders (the window needs none of them).
set -e

if [ "$1" = configure ]; then
  if ! getent passwd loket >/dev/null; then
    useradd --system --user-group --home-dir /var/lib/loket --no-create-home \
      --shell /usr/sbin/nologin --comment "Loket KTP-el hub" loket
  fi
  # The office database lives in /var/lib/loket/data; the database key (LOKET_KEY_FILE) in /etc/loket.
  install -d -o loket -g loket -m 0750 /var/lib/loket
  install -d -o loket -g loket -m 0750 /var/lib/loket/data
  install -d -o loket -g loket -m 0700 /etc/loket
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload || true
    # An upgrade restarts a hub that was running; a fresh install starts nothing.
    if systemctl is-active --quiet loket-hub.service; then
      systemctl restart loket-hub.service || true
    fi
  fi
fi
exit 0
