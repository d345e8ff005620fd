#!/usr/bin/env bash
# The Debian package, made by Tauri's bundler (`tauri bundle`, from @tauri-apps/cli in ui/node_modules)
# out of binaries cargo has already built; it never compiles anything itself.
#
#   scripts/package.sh release    bundle target/release (what `make package` builds first)
#   scripts/package.sh debug      bundle target/debug (make test's own build; the package test uses it)
#
# Progress goes to stderr; the one line on stdout is the .deb's path, named the Debian way
# (loket-ktp-el_VERSION_ARCH.deb) in target/PROFILE/bundle/deb/.
#
# The package's fixed parts (desktop entry, icon, depends, maintainer scripts, the hub's systemd unit,
# the UI for `loket serve`) are under `bundle` in src-tauri/tauri.conf.json; the only thing that
# depends on the profile, the `loket` binary shipped as /usr/bin/loket, is merged in with --config.

set -euo pipefail

profile="${1:-}"
case "$profile" in
  release) debug_flag=(); cargo_flag=" --release" ;;
  debug) debug_flag=(--debug); cargo_flag="" ;;
  *) echo "usage: $0 release|debug" >&2; exit 2 ;;
esac

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
out="$target/$profile"
tauri="$root/ui/node_modules/.bin/tauri"

for f in "$out/loket" "$out/loket-desktop"; do
  [ -x "$f" ] || { echo "$f is missing: build first (cargo build$cargo_flag --workspace --features loket-desktop/custom-protocol)" >&2; exit 1; }
done
[ -f ui/dist/index.html ] || { echo "ui/dist/index.html is missing: build the UI first (make ui)" >&2; exit 1; }
[ -x "$tauri" ] || { echo "$tauri is missing: cd ui && npm ci" >&2; exit 1; }
# The window embeds ui/dist at compile time and the package ships ui/dist for the hub: they must be
# one build. Vite names each entry file by a hash of its content, so ui/dist/index.html's entry files
# must be the ones the binary embeds (a UI rebuilt during or after the cargo build is caught here).
entries=$(grep -o 'assets/[^"]*\.\(js\|css\)' ui/dist/index.html | sort -u)
[ -n "$entries" ] || { echo "ui/dist/index.html names no assets/*.js or *.css" >&2; exit 1; }
for a in $entries; do
  if ! grep -qaF "/$a" "$out/loket-desktop"; then
    echo "$out/loket-desktop does not embed ui/dist/$a: the UI was built again after the window was compiled; run the cargo build again" >&2
    exit 1
  fi
done

version=$(node -p "require('./src-tauri/tauri.conf.json').version")
product=$(node -p "require('./src-tauri/tauri.conf.json').productName")
arch=$(dpkg --print-architecture)
bundle_dir="$out/bundle/deb"
mkdir -p "$out/bundle"
override="$out/bundle/loket-package.conf.json"
printf '{"bundle":{"linux":{"deb":{"files":{"/usr/bin/loket":"%s"}}}}}\n' "$out/loket" >"$override"

rm -f "$bundle_dir/$product"_*.deb "$bundle_dir"/loket-ktp-el_*.deb
echo "Bundling $out/loket-desktop and $out/loket into a .deb (tauri bundle ${debug_flag[*]:-})" >&2
# --no-binary-patching: the bundler would otherwise rewrite target/…/loket-desktop in place (to mark
# the bundle type for its updater, which Loket does not use) while tests may be running it.
"$tauri" bundle "${debug_flag[@]}" --bundles deb --no-binary-patching --ci --config "$override" >&2

made="$bundle_dir/${product}_${version}_${arch}.deb"
[ -f "$made" ] || { echo "tauri bundle made no $made" >&2; ls -la "$bundle_dir" >&2 || true; exit 1; }
deb="$bundle_dir/loket-ktp-el_${version}_${arch}.deb"
mv "$made" "$deb"
# Tauri's deb has no Installed-Size check or lintian; at least the package must be one dpkg reads.
dpkg-deb --info "$deb" >/dev/null
echo "$deb"
