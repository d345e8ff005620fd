#!/bin/sh
# loket-ktp-el prerm: stop the hub service before its binary goes.
set -e

if [ -d /run/systemd/system ]; then
  case "$1" in
    remove|deconfigure)
      systemctl stop loket-hub.service || true
      systemctl disable loket-hub.service >/dev/null 2>&1 || true
      ;;
  esac
fi
exit 0
