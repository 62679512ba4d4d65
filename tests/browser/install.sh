#!/bin/sh
# install.sh - playwright-core for the browser tests, from the npm registry,
# into tests/browser/node_modules (not committed). Chromium itself is Debian's
# (scripts/deps.sh test installs it); playwright never downloads a browser.
set -eu
cd "$(dirname "$0")"
[ -d node_modules/playwright-core ] && exit 0
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-save --no-package-lock --no-audit --no-fund \
	--loglevel=error playwright-core@1 >/dev/null
