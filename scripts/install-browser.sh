#!/bin/sh
# Installs what the browser tests need from Debian's packages: headless Chromium,
# its driver, and CJK fonts so screenshots show the Chinese text.  Does nothing
# when they are already there.  Part of the README's test command (and so of .ci/run).
set -eu
need=""
[ -x /usr/bin/chromium ] || need="$need chromium"
[ -x /usr/bin/chromedriver ] || need="$need chromium-driver"
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need="$need fonts-noto-cjk"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-browser: need$need from Debian's packages; run as root or: sudo apt-get install$need" >&2
  exit 1
fi
echo "install-browser: installing$need" >&2
apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $need >/dev/null
