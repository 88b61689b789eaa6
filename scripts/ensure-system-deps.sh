#!/usr/bin/env bash
# Install the system packages SafeCity needs (Debian): Pango for WeasyPrint's PDFs and a CJK font
# (without it Chinese renders as boxes), and Mosquitto (the telemetry broker the platform runs
# itself on a port of its own; the package's system service and its /etc/mosquitto configuration
# are left as Debian installs them, the platform never uses them); for the tests also chromium
# (browser tests), gettext (translation coverage), poppler-utils (reading PDFs) and
# mosquitto-clients (mosquitto_sub/pub). Does nothing when all are present.
# --runtime: only what the running app needs, and never fail (make demo on a non-Debian machine).
set -euo pipefail
runtime=0
[ "${1:-}" = "--runtime" ] && runtime=1
missing=()
[ -e /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
[ -x /usr/sbin/mosquitto ] || missing+=(mosquitto)
if [ $runtime -eq 0 ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v xgettext >/dev/null 2>&1 || missing+=(gettext)
  command -v pdffonts >/dev/null 2>&1 || missing+=(poppler-utils)
  command -v mosquitto_sub >/dev/null 2>&1 || missing+=(mosquitto-clients)
fi
if [ ${#missing[@]} -eq 0 ]; then exit 0; fi
if [ $runtime -eq 1 ] && ! command -v apt-get >/dev/null 2>&1; then
  echo "Note: install ${missing[*]} (PDF reports with Chinese text, the telemetry broker)." >&2
  exit 0
fi
echo "Installing system packages for the tests: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
