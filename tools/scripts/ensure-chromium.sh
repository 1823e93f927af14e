#!/usr/bin/env bash
# The console's browser journeys run in Debian's Chromium (never a downloaded browser). Installs it when it
# is missing and this user may; otherwise says what to do.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "Chromium is needed for the console journeys: sudo apt-get install -y chromium" >&2
exit 1
