#!/usr/bin/env bash
# make deb: the Debian package of this tree into var/deb/ (suotdoi_VERSION_ARCH.deb), then
# lintian on it. The tree (tracked files and new ones not ignored, as they are now) is copied
# to var/deb/src/suotdoi-VERSION and built there, so debian/'s build files never land in the
# worktree. VERSION is debian/changelog's plus the commit's date and hash (and ".dirty" for
# uncommitted changes), so each build upgrades the previous one with apt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/var/deb
t0=$(date +%s)

base=$(dpkg-parsechangelog -S Version)
stamp=$(git log -1 --format=%cd --date=format:%Y%m%d%H%M%S)
hash=$(git rev-parse --short=8 HEAD)
dirty=""
git diff --quiet HEAD -- . && [ -z "$(git ls-files --others --exclude-standard)" ] || dirty=".dirty"
version="$base+git$stamp.$hash$dirty"

src=$out/src/suotdoi-$version
rm -rf "$out/src"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard | grep -zv '^tests/\|^bench/\|^fuzz/' |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	tar --null -T - -cf - | tar -xf - -C "$src"

# the version of this build, on top of debian/changelog's newest entry
{
	printf 'suotdoi (%s) bookworm; urgency=medium\n\n' "$version"
	printf '  * Built from commit %s%s.\n\n' "$hash" "${dirty:+ with uncommitted changes}"
	printf ' -- %s  %s\n\n' "$(dpkg-parsechangelog -S Maintainer)" "$(date -R)"
	cat debian/changelog
} >"$src/debian/changelog"

echo "Đóng gói suotdoi $version (dpkg-buildpackage, nhật ký: var/deb/build.log)…"
if ! (cd "$src" && DEB_BUILD_OPTIONS="parallel=${JOBS:-$(nproc)} nocheck" \
	dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
	tail -40 "$out/build.log" >&2
	echo "dpkg-buildpackage thất bại; xem var/deb/build.log." >&2
	exit 1
fi
arch=$(dpkg --print-architecture)
deb=suotdoi_${version}_$arch.deb
rm -f "$out"/suotdoi_*.deb
mv "$out/src/$deb" "$out/"
rm -rf "$out/src"
ln -sf "$deb" "$out/suotdoi.deb"
t1=$(date +%s)
echo "Gói: var/deb/$deb ($(du -h "$out/$deb" | cut -f1), $((t1 - t0)) s)"

echo "lintian:"
lintian --info --display-info --pedantic --suppress-tags-from-file /dev/null "$out/$deb" ||
	true
