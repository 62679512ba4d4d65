#!/bin/sh
# Incident handling in headless Chromium: tests/browser/cases.mjs against a
# server and a real SMTP server this script starts on loopback.
. "$(dirname "$0")/lib.sh"
t_begin
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x /usr/bin/chromium ] || [ ! -d "$here/browser/node_modules/playwright-core" ]; then
	echo "FAIL test_browser_cases: chromium or playwright-core missing (run tests/browser/install.sh)" >&2
	T_FAIL=1
	t_end
	exit 1
fi
export KCERT_MAIL_FROM=cert@kommunecert.example
"$KCERT" init >/dev/null || exit 1
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
echo "$pw" | "$KCERT" user add oslo-ui --role member --org 0301 --password-stdin >/dev/null
"$KCERT" contact add 0301 --name "Ola Oslo" --email ola@oslo.kommune.no >/dev/null
smtp_start "$T_DIR/mail"
serve_start --worker-interval 1
shots="$here/../build/test-logs"
mkdir -p "$shots"
cd "$here/browser" && node cases.mjs "http://127.0.0.1:$PORT" "$pw" "$shots" "$T_DIR/mail" "$KCERT"
