#!/usr/bin/env bash
# Makes sure the real tools the tests run are on PATH, installing Debian's package when they are not; a test that
# needs one fails, never skips, without it.
#   usage: ensure-tool.sh DEBIAN_PACKAGE BREW_FORMULA BINARY...   (a BINARY "a|b" is satisfied by either name)
set -euo pipefail
package=$1 brew=$2
shift 2

present() {
    local spec name
    for spec in "$@"; do
        local found=""
        IFS='|' read -ra names <<< "$spec"
        for name in "${names[@]}"; do command -v "$name" >/dev/null 2>&1 && found=1; done
        [ -n "$found" ] || return 1
    done
}

present "$@" && exit 0

if [ "$(uname -s)" = "Darwin" ]; then
    echo "$* missing: install it with Homebrew (brew install $brew) and run npm test again" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "$* missing and apt-get is not available: install $package's binaries (https://prometheus.io/download/) and put them on PATH" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "$* missing; run as root or install it: apt-get install -y --no-install-recommends $package" >&2
        exit 1
    fi
fi

echo "Installing $* (Debian package $package)..." >&2
export DEBIAN_FRONTEND=noninteractive
# The package lists may be absent on a fresh machine: update only when the first attempt fails.
if ! $SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null
fi
present "$@" || { echo "the $package package did not provide $*" >&2; exit 1; }
