#!/usr/bin/env bash
# Makes sure Alertmanager (Debian's `prometheus-alertmanager`) is installed: the plan test checks which fields the plan
# masks against what the real Alertmanager masks, and fails, never skips, without it.
set -euo pipefail

if command -v prometheus-alertmanager >/dev/null 2>&1 || command -v alertmanager >/dev/null 2>&1; then
    exit 0
fi

if [ "$(uname -s)" = "Darwin" ]; then
    echo "Alertmanager is missing: install it with Homebrew (brew install alertmanager) and run npm test again" >&2
    exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "Alertmanager is missing and apt-get is not available: install it (https://prometheus.io/download/#alertmanager) and put alertmanager on PATH" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "Alertmanager is missing; run as root or install it: apt-get install -y --no-install-recommends prometheus-alertmanager" >&2
        exit 1
    fi
fi

echo "Installing Alertmanager (Debian package prometheus-alertmanager)..." >&2
# The package's service must not start: the tests run their own Alertmanager on loopback.
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -qq --no-install-recommends prometheus-alertmanager >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends prometheus-alertmanager >/dev/null
fi
command -v prometheus-alertmanager >/dev/null 2>&1 || { echo "the prometheus-alertmanager package did not provide its binary" >&2; exit 1; }
