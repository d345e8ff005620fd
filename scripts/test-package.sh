#!/usr/bin/env bash
# The package test (make test-package, part of make test): installs a Loket .deb on this machine for
# real, checks what it put where, sets an office up as README says (`loket init` as the loket user, the
# key in the unit's LOKET_KEY_FILE), runs the hub the way its systemd unit does and the window the way
# its desktop entry does (under Xvfb, with a screenshot), then purges the package and checks it is gone.
#
#   scripts/test-package.sh PATH/TO/loket-ktp-el_VERSION_ARCH.deb
#
# Needs root (apt-get, the `loket` user; CI runs as root). It refuses to run where the package is
# installed already or a `loket` user or /var/lib/loket exists that this test did not make: it never
# touches a real installation. Output (logs, screenshot) goes to ${CARGO_TARGET_DIR:-target}/package-test/.
#
# There is no systemd as PID 1 in the build container, so the unit is not started by systemctl: its
# ExecStart runs as its User= with its Environment=, WorkingDirectory= and UMask= through setpriv, with one
# change: `--listen 127.0.0.1:<free port>` added, because other tests (or a developer's `make run`) may
# hold port 8470. The unit's hardening (ProtectSystem= …) is not exercised; `systemd-analyze verify`
# checks that the unit parses and its binaries exist.

set -euo pipefail

deb="${1:-}"
[ -n "$deb" ] && [ -f "$deb" ] || { echo "usage: $0 PATH/TO/package.deb" >&2; exit 2; }
deb="$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")"

# --window: the part that runs inside xvfb-run (re-invoked below with DISPLAY set).
phase=main
[ "${2:-}" = --window ] && phase=window

root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/package-lib.sh
. "$root/scripts/package-lib.sh"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
out="$target/package-test"

# ---------------------------------------------------------------------------------------------------
# The window, under Xvfb: started from the installed desktop entry's Exec line.
window_phase() {
  local exec_line port data home pid wid colours i
  [ -n "${DISPLAY:-}" ] || fail "the window phase needs DISPLAY (run under xvfb-run)"
  exec_line=$(desktop_exec)
  port=$(free_port)
  data="$out/window-data"
  home="$out/window-home"
  rm -rf "$data" "$home"
  mkdir -p "$data" "$home"
  step "window: '$exec_line' on $DISPLAY (data $data, in-process hub on 127.0.0.1:$port)"
  # The shell finds /usr/bin/loket-desktop on PATH, as a desktop would; a fresh HOME keeps WebKit's
  # caches and the default data folder out of root's.
  HOME="$home" PATH=/usr/bin:/bin LOKET_DATA_DIR="$data" LOKET_HUB_LISTEN="127.0.0.1:$port" \
    setsid sh -c "exec $exec_line" >"$out/window.log" 2>&1 &
  pid=$!
  trap 'kill -TERM -- -'"$pid"' 2>/dev/null || true; sleep 1; kill -KILL -- -'"$pid"' 2>/dev/null || true' EXIT

  wid=""
  for _ in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || { cat "$out/window.log" >&2; fail "the window process exited before a window was mapped"; }
    wid=$(xwininfo -root -tree 2>/dev/null | awk -v t="\"$title\"" 'index($0, t) { print $1; exit }')
    if [ -n "$wid" ] && xwininfo -id "$wid" 2>/dev/null | grep -q 'Map State: IsViewable'; then break; fi
    wid=""
    sleep 0.2
  done
  [ -n "$wid" ] || { cat "$out/window.log" >&2; fail "no window titled '$title' was mapped within 60 s"; }
  ok "window $wid titled '$title' is mapped ($(xwininfo -id "$wid" | awk '/Width:/ {w=$2} /Height:/ {h=$2} END {print w "x" h}'))"

  # The exe is the installed one, and its process is not a leftover of the build tree.
  [ "$(readlink "/proc/$pid/exe")" = /usr/bin/loket-desktop ] || fail "the window runs $(readlink "/proc/$pid/exe"), not /usr/bin/loket-desktop"
  ok "the window process is /usr/bin/loket-desktop"

  # The in-process hub serves LAN browsers the installed UI (LOKET_UI_DIR from the desktop entry).
  wait_health "http://127.0.0.1:$port" 30 "$pid" >/dev/null || { cat "$out/window.log" >&2; fail "the window's hub did not answer on 127.0.0.1:$port"; }
  curl -fsS --max-time 5 "http://127.0.0.1:$port/" -o "$out/window-index.html" || fail "the window's hub served no page at /"
  cmp -s "$out/window-index.html" /usr/share/loket/ui/index.html || fail "the window's hub does not serve /usr/share/loket/ui/index.html at / (LOKET_UI_DIR not taken from the desktop entry?)"
  ok "the window's hub answers health and serves /usr/share/loket/ui to LAN browsers"

  # The first page is drawn when the window holds more than a few colours (a blank WebKit view is one).
  colours=0
  for i in $(seq 100); do
    colours=$(import -window "$wid" png:- 2>/dev/null | convert png:- -format '%k' info: 2>/dev/null || echo 0)
    [ "${colours:-0}" -gt 50 ] && break
    sleep 0.3
  done
  [ "${colours:-0}" -gt 50 ] || fail "the window stayed blank (≤ 50 colours) for 30 s"
  sleep 1 # fonts and the last layout pass
  import -window root "$out/window.png"
  ok "first page drawn ($colours colours after ~$((i * 3 / 10)) s); screenshot $out/window.png"
}

if [ "$phase" = window ]; then
  window_phase
  exit 0
fi

# ---------------------------------------------------------------------------------------------------
for t in apt-get dpkg-deb setpriv curl xvfb-run xwininfo import convert desktop-file-validate file; do
  command -v "$t" >/dev/null || fail "$t is missing (make deb installs it)"
done

rm -rf "$out"
mkdir -p "$out"
hub_pid=""
cleanup() {
  local rc=$?
  if [ -n "$hub_pid" ]; then kill "$hub_pid" 2>/dev/null && wait "$hub_pid" 2>/dev/null; fi
  cleanup_package
  [ "$rc" = 0 ] || echo "package test FAILED (logs in $out)" >&2
}
trap cleanup EXIT

start=$SECONDS
version=$(dpkg-deb -f "$deb" Version)
step "install $deb"
install_package "$deb" "$out/apt.log"
ok "installed $pkg $version"

step "installed files"
desktop="/usr/share/applications/$title.desktop"
unit=/lib/systemd/system/loket-hub.service
for f in /usr/bin/loket /usr/bin/loket-desktop "$desktop" "$unit" /usr/share/loket/ui/index.html; do
  dpkg -L "$pkg" | grep -qxF "$f" || fail "$f is not in the package's file list"
  [ -f "$f" ] || fail "$f is not on disk"
done
[ -x /usr/bin/loket ] && [ -x /usr/bin/loket-desktop ] || fail "/usr/bin/loket or /usr/bin/loket-desktop is not executable"
ls /usr/share/loket/ui/assets/*.js >/dev/null 2>&1 || fail "/usr/share/loket/ui has no assets/*.js (the UI build is incomplete)"
ok "/usr/bin/loket, /usr/bin/loket-desktop, the desktop entry, the unit, /usr/share/loket/ui"
for b in /usr/bin/loket /usr/bin/loket-desktop; do
  missing=$(ldd "$b" | grep 'not found' || true)
  [ -z "$missing" ] || fail "$b needs libraries that are not installed (Depends incomplete?): $missing"
done
/usr/bin/loket --version | grep -q '^loket ' || fail "/usr/bin/loket --version does not answer"
ok "both binaries find their libraries; $(/usr/bin/loket --version)"

desktop-file-validate "$desktop" || fail "desktop-file-validate refuses $desktop"
grep -qx "Name=$title" "$desktop" || fail "$desktop: no Name=$title"
icon=$(sed -n 's/^Icon=//p' "$desktop")
icon_file=$(dpkg -L "$pkg" | grep -E "^/usr/share/icons/hicolor/[0-9]+x[0-9]+/apps/$icon\.png$" | head -1)
[ -n "$icon_file" ] && [ -f "$icon_file" ] || fail "the desktop entry's Icon=$icon has no PNG under /usr/share/icons/hicolor"
file -b "$icon_file" | grep -q '^PNG image data' || fail "$icon_file is not a PNG"
grep -q '^Exec=.*loket-desktop' "$desktop" || fail "$desktop does not start loket-desktop"
ok "desktop entry valid; icon $icon_file ($(file -b "$icon_file" | cut -d, -f2 | xargs))"

step "the hub's user and folders (postinst)"
pw=$(getent passwd loket) || fail "postinst made no 'loket' user"
[ "$(cut -d: -f6 <<<"$pw")" = /var/lib/loket ] || fail "loket's home is not /var/lib/loket: $pw"
[ "$(cut -d: -f3 <<<"$pw")" -lt 1000 ] || fail "loket is not a system user: $pw"
[[ "$(cut -d: -f7 <<<"$pw")" == */nologin ]] || fail "loket can log in: $pw"
[ "$(stat -c '%U:%G %a' /etc/loket)" = "loket:loket 700" ] || fail "/etc/loket is $(stat -c '%U:%G %a' /etc/loket), not loket:loket 700"
[ "$(stat -c '%U:%G' /var/lib/loket/data)" = "loket:loket" ] || fail "/var/lib/loket/data is $(stat -c '%U:%G' /var/lib/loket/data)"
ok "system user loket (home /var/lib/loket, nologin); /etc/loket loket:loket 0700; /var/lib/loket/data loket:loket"

step "the unit ($unit)"
unit_value() { sed -n "s/^$1=//p" "$unit"; }
[ "$(unit_value User)" = loket ] || fail "the unit does not run as User=loket"
exec_start=$(unit_value ExecStart)
[[ "$exec_start" == "/usr/bin/loket serve "* ]] || fail "ExecStart is not /usr/bin/loket serve …: $exec_start"
[[ "$exec_start" == *"--ui-dir /usr/share/loket/ui"* ]] || fail "ExecStart does not serve /usr/share/loket/ui"
[[ "$exec_start" == *"--data-dir /var/lib/loket/"* ]] || fail "ExecStart's data folder is not under /var/lib/loket"
unit_value Environment | grep -qx 'LOKET_KEY_FILE=/etc/loket/loket.key' || fail "the unit does not set LOKET_KEY_FILE=/etc/loket/loket.key"
[ "$(unit_value Restart)" = on-failure ] || fail "the unit has no Restart=on-failure"
for h in NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes; do grep -qx "$h" "$unit" || fail "the unit lacks $h"; done
rw=$(unit_value ReadWritePaths)
[[ " $rw " == *" /var/lib/loket "* && " $rw " == *" /etc/loket "* ]] || fail "ReadWritePaths lacks /var/lib/loket or /etc/loket: $rw"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" >"$out/systemd-analyze.log" 2>&1 || { cat "$out/systemd-analyze.log" >&2; fail "systemd-analyze verify refuses the unit"; }
  ok "systemd-analyze verify: clean"
else
  echo "   systemd-analyze is not installed: the unit was not verified by systemd"
fi
ok "User=loket, ExecStart, LOKET_KEY_FILE, Restart=on-failure, hardening"

data_dir=$(sed -n 's/.*--data-dir \([^ ]*\).*/\1/p' <<<"$exec_start")
db="$data_dir/loket.db"
key_file=$(unit_value Environment | sed -n 's/^LOKET_KEY_FILE=//p')
env_args=()
while IFS= read -r kv; do env_args+=("$kv"); done < <(unit_value Environment)

step "the office set up as README says (loket init as loket, the key in the unit's LOKET_KEY_FILE)"
runuser -u loket -- env "LOKET_KEY_FILE=$key_file" LOKET_ADMIN_PASSWORD=paket-uji-1 \
  loket init --data-dir "$data_dir" --district 61.01.09 --office-name "Kantor Kecamatan Sajingan Besar" --admin admin \
  >"$out/init.log" 2>&1 || { cat "$out/init.log" >&2; fail "loket init as the loket user failed"; }
[ -f "$key_file" ] || fail "loket init kept no key in $key_file"
[ "$(stat -c '%U:%G %a' "$key_file")" = "loket:loket 600" ] || fail "$key_file is $(stat -c '%U:%G %a' "$key_file"), not loket:loket 600"
[ "$(head -c 15 "$db")" != "SQLite format 3" ] || fail "$db is a plain SQLite file: not encrypted"
ok "$(tail -1 "$out/init.log"); key $key_file loket:loket 0600; $db encrypted"

step "the hub as the unit runs it (no systemd PID 1 here: setpriv as loket, the unit's environment)"
port=$(free_port)
workdir=$(unit_value WorkingDirectory)
read -r -a argv <<<"$exec_start"
echo "   $exec_start --listen 127.0.0.1:$port"
umask_value=$(unit_value UMask)
(
  cd "${workdir:-/}"
  [ -z "$umask_value" ] || umask "$umask_value"
  exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/var/lib/loket LANG=C.UTF-8 "${env_args[@]}" \
    setpriv --reuid=loket --regid=loket --init-groups -- "${argv[@]}" --listen "127.0.0.1:$port"
) >"$out/hub.log" 2>&1 &
hub_pid=$!
health=$(wait_health "http://127.0.0.1:$port" 60 "$hub_pid") || { cat "$out/hub.log" >&2; fail "the hub did not answer /api/v1/health on 127.0.0.1:$port within 60 s"; }
[[ "$health" == *'"initialised":true'* ]] || fail "the hub does not see the office set up (its key from $key_file?): $health"
ok "health: $health"
[ "$(ps -o user= -p "$hub_pid" | xargs)" = loket ] || fail "the hub runs as $(ps -o user= -p "$hub_pid"), not loket"
curl -fsS --max-time 5 "http://127.0.0.1:$port/" | cmp -s - /usr/share/loket/ui/index.html || fail "the hub does not serve /usr/share/loket/ui at /"
bad=$(find "$data_dir" ! -user loket -print -quit)
[ -z "$bad" ] || fail "$bad in the data folder is not owned by loket"
# Others cannot look in, whatever umask `loket init` ran with.
[ $(( 0$(stat -c '%a' "$data_dir") & 007 )) = 0 ] || fail "$data_dir is open to other users ($(stat -c '%a' "$data_dir"))"
ok "runs as loket, serves the UI; $data_dir and everything in it owned by loket ($(stat -c '%U:%G %a' "$db") $db)"
kill "$hub_pid"
wait "$hub_pid" 2>/dev/null || true
hub_pid=""

step "the window under Xvfb"
xvfb-run -a -s "-screen 0 1366x768x24" "$0" "$deb" --window || fail "the window check failed (log: $out/window.log)"

step "purge"
purge_package "$out/apt.log"
dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'installed' && fail "dpkg still lists $pkg after the purge"
for f in /usr/bin/loket /usr/bin/loket-desktop "$desktop" "$unit" "$icon_file" /usr/share/loket; do
  [ ! -e "$f" ] || fail "$f is still there after the purge"
done
ok "package and its files are gone"
# The office's data outlives even a purge (postrm): the database must still be there.
[ -f "$db" ] || fail "the purge deleted the office database $db"
getent passwd loket >/dev/null || fail "the purge removed the loket user (the data folder would be left without its owner)"
ok "the office data (/var/lib/loket, /etc/loket) and the loket user are kept, as postrm says"

echo "package test passed in $((SECONDS - start)) s ($pkg $version; screenshot $out/window.png)"
