#!/usr/bin/env bash
# The print command of the test card printer (ippeveprinter -c, tests/printer_ipp.rs): it "prints"
# by accepting the file, and acts out a printer's troubles when the job's name asks for one.
# ippeveprinter passes the job's attributes as IPP_* variables; STATE:/ERROR: lines on stderr
# change the printer's printer-state-reasons and the job's job-state-message.
case "${IPP_JOB_NAME:-}" in
  *jeda*) echo "STATE: +paused" >&2 ;;
  *pita-tipis*) echo "STATE: +marker-supply-low" >&2 ;;
  *blanko-habis*) echo "STATE: +media-empty" >&2 ;;
  *gagal*)
    echo "ERROR: Pita macet di kepala cetak" >&2
    exit 1
    ;;
esac
[ -s "${1:-}" ] || { echo "ERROR: berkas cetak kosong" >&2; exit 1; }
exit 0
