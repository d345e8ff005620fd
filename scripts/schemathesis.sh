#!/usr/bin/env bash
# Schemathesis against the hub's own OpenAPI document: `loket serve` on a throwaway data folder and
# a free loopback port, every operation fuzzed from its schema, once anonymously and once as a
# logged-in supervisor; any 5xx answer fails the run (check `not_a_server_error`).
#
# Schemathesis is pinned and installed from PyPI into a venv under target/ (made once, reused).
# Environment: LOKET_BIN (default target/debug/loket, built by `make build`), ST_MAX_EXAMPLES
# (default 15 per operation), ST_REPORT_DIR (default target/schemathesis-report).
set -euo pipefail

ST_VERSION=4.32.5
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="${LOKET_BIN:-$target/debug/loket}"
venv="$root/target/schemathesis-venv"
max_examples="${ST_MAX_EXAMPLES:-15}"
report_dir="${ST_REPORT_DIR:-$root/target/schemathesis-report}"

if [ ! -x "$bin" ]; then
  echo "galat: $bin belum ada (jalankan make build dulu)" >&2
  exit 1
fi
if ! "$venv/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  echo "Memasang schemathesis $ST_VERSION di $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$ST_VERSION"
fi

work="$(mktemp -d)"
hub_pid=""
cleanup() {
  if [ -n "$hub_pid" ]; then kill "$hub_pid" 2>/dev/null || true; wait "$hub_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

data="$work/data"
LOKET_ADMIN_PASSWORD=rahasia-admin-1 "$bin" --data-dir "$data" init --district 61.01.09 \
  --office-name "Kantor Uji Schemathesis" --admin admin >/dev/null
LOKET_LOG="${LOKET_LOG:-warn}" "$bin" --data-dir "$data" serve --listen 127.0.0.1:0 --ui-dir "$work/no-ui" \
  >"$work/hub.out" 2>"$work/hub.err" &
hub_pid=$!
url=""
for _ in $(seq 1 300); do
  url="$(sed -n 's/^Loket hub listening on \(http:[^ ]*\).*/\1/p' "$work/hub.out" | head -1)"
  [ -n "$url" ] && break
  kill -0 "$hub_pid" 2>/dev/null || { cat "$work/hub.err" >&2; echo "galat: hub berhenti" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "galat: hub tidak menyebut alamatnya dalam 30 detik" >&2; exit 1; }
url="${url%/}"
echo "Hub: $url"

# A supervisor (created by the administrator, password changed, so no forced change is pending).
token="$("$venv/bin/python" - "$url" <<'EOF'
import json, sys, urllib.request
url = sys.argv[1]
def call(name, payload, token=None):
    req = urllib.request.Request(f"{url}/api/v1/{name}", data=json.dumps(payload).encode(),
                                 headers={"content-type": "application/json", **({"authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
admin = call("auth.login", {"username": "admin", "password": "rahasia-admin-1"})["token"]
call("staff.create", {"username": "sari", "full_name": "Sari Supervisor", "roles": ["supervisor"],
                      "initial_password": "sementara-123"}, admin)
t = call("auth.login", {"username": "sari", "password": "sementara-123"})["token"]
call("auth.change_password", {"current_password": "sementara-123", "new_password": "sandi-baru-123"}, t)
print(t)
EOF
)"

# Left out: operations that reach outside the data folder with what they are sent (a backup folder,
# a printer's or central's address, the chip encoder's command line: files written, connections
# opened, programs started on this machine; a device that is not there is a correct 503), and
# auth.logout (it would end the supervisor's session halfway through the run).
outward='^(backup\.(settings_save|run_now)|printing\.(station_save|printer_save|test_print|start|job|printer_status)|recording\.(printer_save|print_receipt)|queue\.(policy_update|reprint)|sync\.(enroll|now)|auth\.logout)$'

mkdir -p "$report_dir"
# One worker: with two, Hypothesis parses its lambdas' source in both threads at once and CPython
# 3.11's AST validator (not thread-safe before 3.11.8/3.12.1) failed a run with "AST constructor
# recursion depth mismatch", an error of the tool, not of the hub.
run() {
  local name="$1"; shift
  echo "== schemathesis: $name"
  "$venv/bin/st" run "$url/api/v1/openapi.json" \
    --checks not_a_server_error \
    --max-examples "$max_examples" \
    --phases examples,coverage,fuzzing \
    --exclude-operation-id-regex "$outward" \
    --suppress-health-check all \
    --generation-database none \
    --request-timeout 30 \
    --workers 1 \
    --no-color \
    --report junit --report-junit-path "$report_dir/$name.xml" \
    "$@"
}
status=0
run anonymous || status=1
run supervisor -H "Authorization: Bearer $token" || status=1
if ! kill -0 "$hub_pid" 2>/dev/null; then
  echo "galat: hub berhenti selama pengujian" >&2
  cat "$work/hub.err" >&2
  status=1
fi
if grep -q "panicked" "$work/hub.err"; then
  echo "galat: hub panik selama pengujian:" >&2
  grep -A3 "panicked" "$work/hub.err" >&2
  status=1
fi
exit $status
