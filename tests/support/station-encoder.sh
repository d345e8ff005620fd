#!/usr/bin/env bash
# A stand-in for Dukcapil's chip encoder at a print station (tests/printing.rs): it "writes" the
# chip of every blank except the one named in $1, whose chip fails, and records each call in $2;
# the blank named in $3 (if any) makes it take a minute (to stop the hub while it writes).
fail_serial="${1:-}"
log="${2:?log file}"
slow_serial="${3:-}"
echo "$LOKET_JOB_ID $LOKET_BLANK_SERIAL $LOKET_NIK" >> "$log"
if [ -n "$slow_serial" ] && [ "$LOKET_BLANK_SERIAL" = "$slow_serial" ]; then
  sleep 60
fi
if [ "$LOKET_BLANK_SERIAL" = "$fail_serial" ]; then
  echo '{"ok": false, "reason": "Chip tidak merespons"}'
  exit 0
fi
# A UID made from the serial's digits, so each card has its own.
digits=$(printf '%s' "$LOKET_BLANK_SERIAL" | tr -cd '0-9')
printf '{"ok": true, "chip_uid": "04%012d"}\n' "$((10#$digits))"
