# Shared by scripts/test-package.sh and scripts/bench-window.sh (sourced, not run): messages, free
# ports, the hub's health, and installing a Loket .deb on this machine for real and purging it again.
#
# install_package DEB refuses where the package is installed already or a `loket` user, /var/lib/loket
# or /etc/loket exists that these scripts did not make (a real installation is never touched), and
# marks /var/lib/loket so that purge_package, or a later run after a killed one, removes the user and
# the kept data again. Both scripts run as root (apt-get; CI runs as root).

title="Loket KTP-el"
marker=/var/lib/loket/.made-by-loket-package-test
pkg=""

step() { echo "== $*"; }
ok() { echo "   ok: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

port_in_use() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 20000))
    port_in_use "$p" || { echo "$p"; return; }
  done
  fail "no free port found on 127.0.0.1"
}

# wait_health URL SECONDS PID: prints the answer once GET URL/api/v1/health says status ok; fails
# (returns 1) after SECONDS or as soon as PID has exited.
wait_health() {
  local url=$1 secs=$2 pid=$3 body
  for _ in $(seq $((secs * 5))); do
    kill -0 "$pid" 2>/dev/null || return 1
    if body=$(curl -fsS --max-time 2 "$url/api/v1/health" 2>/dev/null) && [[ "$body" == *'"status":"ok"'* ]]; then
      echo "$body"
      return 0
    fi
    sleep 0.2
  done
  return 1
}

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# forget_test_install: the user and folders an earlier run of these scripts left (never anyone else's).
forget_test_install() {
  [ -f "$marker" ] || return 0
  userdel loket 2>/dev/null || true
  rm -rf /var/lib/loket /etc/loket
}

# install_package DEB APT_LOG
install_package() {
  local deb=$1 log=$2
  [ "$(id -u)" = 0 ] || fail "run as root: the package is installed with apt-get (CI runs as root)"
  pkg=$(dpkg-deb -f "$deb" Package)
  if ! installed "$pkg" && [ -f "$marker" ]; then
    echo "   removing what an earlier, interrupted run left (the loket user, /var/lib/loket, /etc/loket)"
    forget_test_install
  fi
  installed "$pkg" && fail "$pkg is installed on this machine already; this script installs and purges it, so it will not run here (apt-get purge $pkg first)"
  getent passwd loket >/dev/null && fail "a 'loket' user exists that these scripts did not make; not running here"
  [ -e /var/lib/loket ] || [ -e /etc/loket ] && fail "/var/lib/loket or /etc/loket exists (an earlier installation's data?); not running here"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 "$deb" >"$log" 2>&1 \
    || { tail -20 "$log" >&2; fail "apt-get install $deb failed"; }
  if [ -d /var/lib/loket ]; then touch "$marker"; fi
  installed "$pkg" || fail "dpkg does not list $pkg as installed after apt-get install"
}

# purge_package APT_LOG: apt-get purge; the kept data and the user stay until forget_test_install.
purge_package() {
  DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 "$pkg" >>"$1" 2>&1 \
    || { tail -20 "$1" >&2; fail "apt-get purge $pkg failed"; }
}

# For an EXIT trap: purge what is still installed and forget the test's user and folders.
cleanup_package() {
  if [ -n "$pkg" ] && installed "$pkg"; then
    echo "   cleanup: purging $pkg"
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq -o DPkg::Lock::Timeout=300 "$pkg" >/dev/null 2>&1 || true
  fi
  forget_test_install
}

# desktop_exec: the installed desktop entry's Exec= line (no field codes).
desktop_exec() {
  local line
  line=$(sed -n 's/^Exec=//p' "/usr/share/applications/$title.desktop" | head -1)
  [ -n "$line" ] || fail "the desktop entry has no Exec= line"
  [[ "$line" != *%* ]] || fail "Exec= has field codes these scripts do not expand: $line"
  echo "$line"
}
