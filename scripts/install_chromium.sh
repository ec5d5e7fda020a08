#!/usr/bin/env bash
# Install Debian's Chromium for the HTML report browser test (tests/test_report_browser.py).
# Why Debian's package: no model/browser downloads at run time; apt is the sanctioned channel.
# Idempotent: does nothing when a chromium binary is already present.
set -euo pipefail
for bin in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -x "$bin" ]; then exit 0; fi
done
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-noto-core fonts-noto-cjk
