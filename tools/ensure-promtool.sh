#!/usr/bin/env bash
# Makes sure `promtool` and the `prometheus` server (Debian's `prometheus` package) are on PATH: the observability tests
# run `promtool test rules`, `promtool check config`, `promtool tsdb create-blocks-from` and a real server on loopback
# (test/observability-e2e.test.ts), and fail, never skip, without them.
set -euo pipefail

if command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1; then
    exit 0
fi

if [ "$(uname -s)" = "Darwin" ]; then
    echo "promtool is missing: install Prometheus with Homebrew (brew install prometheus, which ships promtool) and run npm test again" >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "promtool is missing and apt-get is not available: install Prometheus' promtool (https://prometheus.io/download/) and put it on PATH" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
        echo "promtool is missing; run as root or install it: apt-get install -y --no-install-recommends prometheus" >&2
        exit 1
    fi
fi

echo "Installing promtool (Debian package prometheus)..." >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus >/dev/null
command -v promtool >/dev/null 2>&1 || { echo "the prometheus package did not provide promtool" >&2; exit 1; }
command -v prometheus >/dev/null 2>&1 || { echo "the prometheus package did not provide the prometheus server" >&2; exit 1; }
promtool --version 2>&1 | head -1 >&2
