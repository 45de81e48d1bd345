#!/usr/bin/env bash
# Make sure Debian's Chromium is installed, for the real-browser test of /docs and the board pages
# (tests/api/test_browser.py, through Playwright): installed from Debian's packages when missing.
set -euo pipefail
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if command -v chromium >/dev/null; then
  exit 0
fi
echo "ensure-chromium: installing Chromium from Debian's packages (a minute or so)" >&2
as_root apt-get update -qq
DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
command -v chromium >/dev/null
