#!/usr/bin/env bash
# Installs Debian's headless Chromium and its driver for the end-to-end UI tests, when missing.
# Only as root (CI and dev machines here are root); elsewhere the browser tests skip themselves.
set -euo pipefail
# A CJK font too, or Chinese renders as boxes in the screenshots the tests save.
if command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q .; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then echo "not root: cannot install chromium" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq chromium chromium-driver fonts-wqy-microhei >/dev/null
