#!/usr/bin/env bash
# A stand-in for Dukcapil's chip encoder, for tests/encoder.rs. Usage: fake-encoder.sh MODE ENVFILE
# It writes the environment it was given to ENVFILE (and its pid to ENVFILE.pid), then acts by MODE.
mode="${1:?mode}"
envfile="${2:?envfile}"
env > "$envfile"
echo "$$" > "$envfile.pid"

case "$mode" in
  succeed)
    echo "memeriksa modul keamanan..."            # chatter before the answer is ignored
    echo '{"ok": true, "chip_uid": "04a1b2c3d4e5f6"}'
    ;;
  refuse)
    echo '{"ok": false, "reason": "Chip tidak merespons (blangko rusak?)"}'
    ;;
  refuse-exit)
    # A JSON answer decides even when the exit code is not zero.
    echo '{"ok": false, "reason": "SAM terkunci"}'
    exit 4
    ;;
  bad-uid)
    echo '{"ok": true, "chip_uid": "XYZ-not-hex"}'
    ;;
  short-uid)
    echo '{"ok": true, "chip_uid": "04A1B2"}'
    ;;
  garbage)
    echo "hasil: mungkin berhasil"
    echo "{not json"
    ;;
  exit)
    echo "membuka pembaca kartu" >&2
    echo "pembaca kartu tidak ditemukan di /dev/pcsc" >&2
    echo "" >&2
    exit 3
    ;;
  hang)
    # A child of its own that would outlive a kill of the script alone.
    sleep 300 &
    echo "$!" > "$envfile.child"
    wait
    ;;
  *)
    echo "unknown mode $mode" >&2
    exit 64
    ;;
esac
