#!/bin/sh
# install.sh - the CSAF test tools from the npm registry, into tests/csaf/node_modules
# (not committed): @secvisogram/csaf-validator-lib, which ships FIRST's CVSS JSON schemas
# and runs CSAF 2.0's mandatory tests (section 6.1) - an independent second check of
# kcert's own checker. The CVSS schemas are written out as JSON (node_modules/.schemas/)
# for tests/csaf/validate.py, which maps the schema's https://www.first.org/cvss/ URLs
# to them (there is no internet in the tests).
set -eu
cd "$(dirname "$0")"
if [ ! -d node_modules/@secvisogram/csaf-validator-lib ]; then
	npm install --no-save --no-package-lock --no-audit --no-fund --loglevel=error \
		@secvisogram/csaf-validator-lib@2.0.10 >/dev/null
fi
[ -f node_modules/.schemas/cvss-v3.1.json ] && exit 0
mkdir -p node_modules/.schemas
node dump-schemas.mjs node_modules/.schemas
