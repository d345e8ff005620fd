#!/usr/bin/env bash
# The installed window's cold start and memory (make bench-window; numbers go to docs/benchmarks.md).
#
#   scripts/bench-window.sh PATH/TO/loket-ktp-el_VERSION_ARCH.deb [RUNS]     (RUNS: default 5)
#
# Installs the package (as scripts/test-package.sh does, and purges it at the end), sets up one office
# with `loket init`, and under one Xvfb screen (1366x768) starts, RUNS times each, interleaved:
#
# - the Loket window from its desktop entry's Exec line, each time with a fresh HOME (no WebKit cache)
#   and a fresh copy of the office's data folder, so the first page is the login screen;
# - the baseline, WebKit's own MiniBrowser (shipped in libwebkit2gtk-4.1-0, so nothing to install),
#   fresh HOME too, opening the same UI from the installed `loket serve` on 127.0.0.1 (a copy of the
#   same office). It is WebKitGTK alone showing the same page: what the shell cannot get below. Its
#   window is 1024x768 (MiniBrowser has no size option), Loket's 1366x768.
#
# Cold start here means a new process tree and an empty browser profile; the files are in the page
# cache (dropping it would slow everyone else on a shared machine), so a first start after booting an
# office PC is slower. scripts/window-probe.c times, from just before exec: the first viewable window
# of the started pid (mapped), and the first moment the UI's header colour #1F3A5F is on its screen
# (drawn; polled every 5 ms). Five seconds after that, the PSS (/proc/PID/smaps_rollup) of the started
# process and every process under it (WebKitWebProcess, WebKitNetworkProcess) is summed.

set -euo pipefail
export LC_ALL=C # window titles are not always valid UTF-8; sed must not stop at their bytes

deb="${1:-}"
runs="${2:-5}"
[ -n "$deb" ] && [ -f "$deb" ] || { echo "usage: $0 PATH/TO/package.deb [RUNS]" >&2; exit 2; }
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/package-lib.sh
. "$root/scripts/package-lib.sh"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
out="$target/bench-window"
minibrowser=$(ls /usr/lib/*/webkit2gtk-4.1/MiniBrowser 2>/dev/null | head -1)
header=1F3A5F
settle=5

# The PIDs of PID and everything under it.
tree() {
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2 }
    END {
      keep[root] = 1; changed = 1
      while (changed) { changed = 0; for (p in parent) if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 } }
      for (p in keep) print p
    }'
}
pss_kb() { awk '/^Pss:/ {print $2}' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }

# measure KIND LABEL -- CMD…: one start; appends "kind run mapped drawn total per-process" to results.
measure() {
  local kind=$1 run=$2 line pid total=0 parts="" p kb comm
  shift 3
  line=$("$out/window-probe" "$header" 10 "$out/$kind-$run.log" -- "$@") || { cat "$out/$kind-$run.log" >&2; fail "$kind run $run: no window drawn"; }
  pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' <<<"$line")
  sleep "$settle"
  [ "$run" = 1 ] && import -window root "$out/$kind.png"
  for p in $(tree "$pid"); do
    kb=$(pss_kb "$p")
    comm=$(cat "/proc/$p/comm" 2>/dev/null || echo gone)
    total=$((total + kb))
    parts+="$comm=$((kb / 1024))MB,"
  done
  echo "$kind $run $(sed -n 's/.*mapped_ms=\([0-9]*\) drawn_ms=\([0-9]*\).*/\1 \2/p' <<<"$line") $((total / 1024)) ${parts%,}" | tee -a "$out/results.txt"
  kill -TERM -- "-$pid" 2>/dev/null || true
  for _ in $(seq 50); do [ -z "$(tree "$pid" | xargs -r ps -o pid= -p 2>/dev/null)" ] && break; sleep 0.1; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  sleep 1
}

inner() {
  local exec_line port r
  exec_line=$(desktop_exec)
  read -r -a exec_argv <<<"$exec_line"
  port=$(free_port)
  rm -rf "$out/hub-data" && cp -a "$out/office" "$out/hub-data"
  /usr/bin/loket serve --data-dir "$out/hub-data" --ui-dir /usr/share/loket/ui --listen "127.0.0.1:$port" >"$out/hub.log" 2>&1 &
  hub_pid=$!
  trap 'kill "$hub_pid" 2>/dev/null || true' EXIT
  wait_health "http://127.0.0.1:$port" 60 "$hub_pid" >/dev/null || { cat "$out/hub.log" >&2; fail "the baseline's hub did not start"; }
  for r in $(seq "$runs"); do
    rm -rf "$out/home" "$out/data" && mkdir -p "$out/home" && cp -a "$out/office" "$out/data"
    HOME="$out/home" PATH=/usr/bin:/bin LOKET_DATA_DIR="$out/data" LOKET_HUB_LISTEN="127.0.0.1:$(free_port)" \
      measure loket "$r" -- "${exec_argv[@]}"
    rm -rf "$out/home" && mkdir -p "$out/home"
    HOME="$out/home" measure minibrowser "$r" -- "$minibrowser" "http://127.0.0.1:$port/"
  done
  echo "hub (loket serve, baseline's server, not in its sum): $(( $(pss_kb "$hub_pid") / 1024 )) MB PSS" | tee -a "$out/results.txt"
}

if [ "${3:-}" = --inner ]; then
  inner
  exit 0
fi

[ -x "$minibrowser" ] || fail "MiniBrowser not found (Debian: libwebkit2gtk-4.1-0)"
for t in gcc xvfb-run import curl; do command -v "$t" >/dev/null || fail "$t is missing (make deb installs it)"; done
rm -rf "$out"
mkdir -p "$out"
gcc -O2 -Wall -o "$out/window-probe" "$root/scripts/window-probe.c" -lX11
trap cleanup_package EXIT
step "install $deb"
install_package "$deb" "$out/apt.log"
step "one office for every run (loket init)"
# The key in a file of its own: every run's fresh HOME would otherwise lack the key folder.
LOKET_KEY_FILE="$out/office.key" LOKET_ADMIN_PASSWORD=bench-password-1 /usr/bin/loket init --data-dir "$out/office" --district 61.01.09 \
  --office-name "Kantor Kecamatan Sajingan Besar" --admin admin >"$out/init.log" 2>&1 || { cat "$out/init.log" >&2; fail "loket init failed"; }

step "$runs cold starts each, interleaved: Loket window, MiniBrowser (kind run mapped_ms drawn_ms pss_mb parts)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
xvfb-run -a -s "-screen 0 1366x768x24" "$0" "$deb" "$runs" --inner
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
range() { sort -n | awk 'NR == 1 {lo = $1} {hi = $1} END {print lo "-" hi}'; }
step "summary (median, range over $runs runs)"
for kind in loket minibrowser; do
  for col in 3 4 5; do
    name=$(case $col in 3) echo mapped_ms ;; 4) echo drawn_ms ;; 5) echo pss_mb ;; esac)
    echo "$kind $name median $(awk -v k=$kind -v c=$col '$1 == k {print $c}' "$out/results.txt" | median) range $(awk -v k=$kind -v c=$col '$1 == k {print $c}' "$out/results.txt" | range)"
  done
done | tee "$out/summary.txt"
echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) RAM; load average before $load_before, after $load_after" | tee -a "$out/summary.txt"
echo "package: $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version), $(du -h "$deb" | cut -f1); WebKitGTK $(dpkg-query -W -f='${Version}' libwebkit2gtk-4.1-0)" | tee -a "$out/summary.txt"
echo "screenshots: $out/loket.png $out/minibrowser.png"
