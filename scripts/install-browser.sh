#!/usr/bin/env bash
# Install what the browser tests need: Debian's chromium (driven by Playwright, which brings
# no browser of its own here) and the unmodified rasa-webchat widget from npm. Does nothing
# for what is already there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive

install_webchat() {
  local dir="$ROOT/tests/webchat"
  if [ -f "$dir/node_modules/rasa-webchat/lib/index.js" ]; then return 0; fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "installing Debian's npm for the rasa-webchat test"
    $SUDO apt-get install -y --no-install-recommends npm >/dev/null 2>&1 || {
      $SUDO apt-get update >/dev/null
      $SUDO apt-get install -y --no-install-recommends npm >/dev/null
    }
  fi
  echo "installing rasa-webchat from npm for the widget test"
  (cd "$dir" && npm install --no-audit --no-fund --ignore-scripts --omit=dev --no-package-lock >/dev/null)
}
install_webchat

if [ -n "${NAHBAR_CHROMIUM:-}" ] && [ -x "$NAHBAR_CHROMIUM" ]; then exit 0; fi
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "The browser test needs chromium: install it, or point NAHBAR_CHROMIUM at a chromium binary." >&2
  exit 1
fi
echo "installing Debian's chromium for the browser test"
$SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 || {
  $SUDO apt-get update >/dev/null
  $SUDO apt-get install -y --no-install-recommends chromium >/dev/null
}
