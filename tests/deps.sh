#!/bin/sh
# Debian packages the tests need. As root, missing ones are installed;
# otherwise the apt-get command line is printed and the tests run anyway.
set -u
here=$(dirname "$0")
pkgs=$(grep -v '^#' "$here/deps-packages.txt" | tr '\n' ' ')
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || true
    apt-get install -y -qq $missing >/dev/null || {
        echo "deps: apt-get install failed for:$missing" >&2
        exit 1
    }
else
    echo "deps: missing Debian packages; install them with:"
    echo "  sudo apt-get install$missing"
fi
exit 0
