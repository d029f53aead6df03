#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing and we may (root + apt-get).
# Without it the browser tests skip outside CI and fail in CI (CI=true).
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Chromium not found at $CHROMIUM: installing Debian's chromium package…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  echo "Chromium installed: $("$CHROMIUM" --version)"
else
  echo "Chromium not found at $CHROMIUM and cannot install it here (needs root and apt-get)."
  echo "Install it with: sudo apt-get install chromium   (browser tests will skip until then)"
fi
