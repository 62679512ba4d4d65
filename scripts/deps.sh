#!/bin/sh
# deps.sh - install the Debian 12 packages kcert needs, only those missing.
#
#   scripts/deps.sh [build|test|fuzz|all]   (default: build)
#
# Runs apt-get only when a package is missing, so it is cheap to call from every
# make target. Needs root (or sudo) only when something must be installed.
set -eu

build_pkgs="make gcc pkgconf libc6-dev libsqlite3-dev libpq-dev libjansson-dev libsodium-dev libidn2-dev libmicrohttpd-dev libgmime-3.0-dev libcurl4-openssl-dev libssl-dev libunbound-dev libevent-dev libcmark-dev libcairo2-dev zlib1g-dev sqlite3"
test_pkgs="libcmocka-dev clang libclang-rt-14-dev gettext postgresql curl chromium python3-aiosmtpd python3-jsonschema nginx-light redis-server nsd ldnsutils nmap sslscan openssl poppler-utils iproute2 dnsutils"
# Node.js for the browser tests: Debian's, unless one is installed already.
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs nodejs npm"

case "${1:-build}" in
build) want="$build_pkgs" ;;
test | fuzz | all) want="$build_pkgs $test_pkgs" ;;
*) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "kcert: installing missing Debian packages:$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine has no package lists yet; refresh them once per hour at most.
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*Packages*' -mmin -60 2>/dev/null | head -n 1)" ]; then
	$SUDO apt-get update -qq
fi
# The servers the tests use as scan targets and mail relays (nginx, redis,
# nsd, postgresql) are started by the tests themselves on loopback addresses
# and stopped after; installing them must not start system-wide copies that
# hold port 80 or 53 on every address. policy-rc.d (Debian's switch for
# this, honoured by invoke-rc.d and deb-systemd-invoke) says no, only while
# apt runs, and only when there is none already.
policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	policy=/usr/sbin/policy-rc.d
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null && $SUDO chmod 755 "$policy"
	trap '$SUDO rm -f "$policy"' EXIT
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
