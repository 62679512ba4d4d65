#!/bin/sh
# The scanner's pages in headless Chromium: tests/browser/scan.mjs against a
# server whose findings come from a real scan of Debian's redis-server on a
# registered loopback address.
. "$(dirname "$0")/lib.sh"
t_begin
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -x /usr/bin/chromium ] || [ ! -d "$here/browser/node_modules/playwright-core" ]; then
	echo "FAIL test_browser_scan: chromium or playwright-core missing (run tests/browser/install.sh)" >&2
	T_FAIL=1
	t_end
	exit 1
fi
"$KCERT" init >/dev/null || exit 1
pw=Korrekt-Hest-Batteri-9
echo "$pw" | "$KCERT" user add ana --role analyst --password-stdin >/dev/null
ADDR=127.82.$(( $$ % 200 + 20 )).1
"$KCERT" asset add 4601 host "$ADDR" >/dev/null
redis-server --bind "$ADDR" --port 6379 --protected-mode no --save '' --appendonly no --dir "$T_DIR" >"$T_DIR/redis.log" 2>&1 &
REDIS=$!
i=0; while ! redis-cli -h "$ADDR" ping >/dev/null 2>&1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
"$KCERT" scan --org 4601 --ports 6379 --timeout-ms 1500 --no-notify >/dev/null || { echo "FAIL test_browser_scan: scan" >&2; exit 1; }
PORT=$(t_port)
"$KCERT" serve --listen "127.0.0.1:$PORT" --no-worker >"$T_DIR/serve.out" 2>"$T_DIR/serve.err" &
SERVER=$!
trap 'kill $SERVER $REDIS 2>/dev/null; t_cleanup' EXIT
for i in $(seq 1 200); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
shots="$here/../build/test-logs"
mkdir -p "$shots"
cd "$here/browser" && node scan.mjs "http://127.0.0.1:$PORT" "$pw" "$shots" "$KCERT" "$(date -u -d '+30 days' +%Y-%m-%d)"
