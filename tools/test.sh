#!/usr/bin/env bash
# `npm test`: the mocha suites on one core; the static checks (typecheck, lint, format) one after another on the other.
# The typecheck and the lint share one TypeScript program (tools/static-checks.mjs: `npm run typecheck` + `npm run lint`).
set -uo pipefail
cd "$(dirname "$0")/.."
static_log=$(mktemp)
(
    node tools/static-checks.mjs || exit 1
    npx --no-install prettier --check --log-level warn . || { echo "format check failed (npm run format rewrites the files)"; exit 1; }
) > "$static_log" 2>&1 &
static=$!
npx --no-install mocha "$@"
tests=$?
wait "$static"
checks=$?
if [ "$checks" -ne 0 ]; then cat "$static_log"; fi
rm -f "$static_log"
[ "$tests" -eq 0 ] && [ "$checks" -eq 0 ]
