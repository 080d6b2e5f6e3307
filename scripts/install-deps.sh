#!/usr/bin/env bash
# Installs the Debian (bookworm) packages suotdoi needs to build, test and run.
# Idempotent: asks dpkg first and calls apt-get only for what is missing.
# With --bench, also what make bench runs against (nginx, wrk, sqlite3).
# With --deb, also what make deb and make deb-check use (packaging/, debian/).
set -euo pipefail

PKGS=(
  build-essential cmake pkg-config git
  libmicrohttpd-dev libsqlite3-dev libjansson-dev libutf8proc-dev
  libsodium-dev libcurl4-openssl-dev libcmocka-dev libxlsxwriter-dev libvips-dev
  zlib1g-dev libzip-dev libcairo2-dev libpango1.0-dev fonts-liberation fonts-liberation2
  clang libclang-rt-14-dev
  libssl-dev poppler-utils python3-icalendar python3-aiosmtpd openssl libxml2-utils libxml2-dev libpq-dev
  chromium chromium-driver
  libavformat-dev libavcodec-dev libavutil-dev
  postgresql-15
  nginx-light
)
# libssl-dev: the CMS of signed PDFs (src/docs/sign_pdf.c); poppler-utils' pdfsig checks them.
# libavformat-dev, libavcodec-dev, libavutil-dev: contest entries' audio/video are checked by
# container and codec (src/media/av.c), never decoded beyond probing, never executed.
# libpq-dev and postgresql-15: the PostgreSQL backend (src/db/store_pg.c) and the server its
# tests start for themselves (tests/pg_cluster.sh, the ctest fixture "pg"); make bench's
# baseline (bench/pg.sh) uses the same server.
# chromium and chromium-driver: the browser tests (tests/http/test_*_browser.c) check the pages
# at 360 px in a real (headless) browser, and `make screenshots` takes docs/screens/ with it.

# nginx-light: the shipped site (packaging/nginx/suotdoi.conf) runs in front of the server in
# a test (tests/ops/nginx_front.sh), and make bench measures against nginx.
# make bench also needs the load generator.
if [ "${1:-}" = "--bench" ]; then
  PKGS+=(wrk sqlite3)
fi

# make deb builds the Debian package (dpkg-buildpackage with debhelper, fakeroot for the
# file owners, lintian to check it); make deb-check installs it into a fresh bookworm root
# (debootstrap) and starts the unit there (systemd-container's systemd-nspawn, when the
# machine allows it; curl asks the site; iproute2: the chroot fallback's network namespace).
if [ "${1:-}" = "--deb" ]; then
  PKGS+=(debhelper dpkg-dev fakeroot lintian debootstrap systemd-container curl iproute2)
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "Thiếu gói: ${missing[*]}. Hãy chạy script này với quyền root." >&2
    exit 1
  fi
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
