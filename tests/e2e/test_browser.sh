#!/bin/sh
# The web UI in headless Chromium: tests/browser/ui.mjs, against a server this
# script starts on loopback with a fresh store and one user per role.
# Needs Debian's chromium and npm's playwright-core (installed by
# scripts/deps.sh test and tests/browser/install.sh).
. "$(dirname "$0")/lib.sh"
t_begin
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x /usr/bin/chromium ] || [ ! -d "$here/browser/node_modules/playwright-core" ]; then
	echo "FAIL test_browser: chromium or playwright-core missing (run tests/browser/install.sh)" >&2
	T_FAIL=1
	t_end
	exit 1
fi
"$KCERT" init >/dev/null || exit 1
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add admin-ui --role admin --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add oslo-ui --role member --org 0301 --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add helse-ui --role partner --org helsecert --password-stdin >/dev/null
"$KCERT" contact add 0301 --name "Ola Oslo" --email ola@oslo.kommune.no >/dev/null
"$KCERT" contact add 4601 --name "Kari Bergen" --email kari@bergen.kommune.no >/dev/null
"$KCERT" asset add 0301 cidr 192.0.2.0/24 >/dev/null
"$KCERT" asset add 4601 cidr 198.51.100.0/24 >/dev/null
serve_start
shots="$here/../build/test-logs"
mkdir -p "$shots"
cd "$here/browser" && node ui.mjs "http://127.0.0.1:$PORT" "$pw" "$shots"
