#!/usr/bin/env bash
# Install Debian's chromium for the browser test (driven by Playwright, which brings no
# browser of its own here). Does nothing when a chromium is already there.
set -euo pipefail
if [ -n "${NAHBAR_CHROMIUM:-}" ] && [ -x "$NAHBAR_CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser test needs chromium: install it, or point NAHBAR_CHROMIUM at a chromium binary." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
echo "installing Debian's chromium for the browser test"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || {
  $SUDO apt-get update >/dev/null
  $SUDO apt-get install -y --no-install-recommends chromium >/dev/null
}
