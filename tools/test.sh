#!/usr/bin/env bash
# `npm test`: the typecheck and the mocha suites side by side (two cores), failing if either fails.
set -uo pipefail
cd "$(dirname "$0")/.."
typecheck_log=$(mktemp)
npx --no-install tsc --noEmit -p . > "$typecheck_log" 2>&1 &
typecheck=$!
npx --no-install mocha "$@"
tests=$?
wait "$typecheck"
types=$?
if [ "$types" -ne 0 ]; then
    cat "$typecheck_log"
    echo "typecheck failed (tsc --noEmit)"
fi
rm -f "$typecheck_log"
[ "$tests" -eq 0 ] && [ "$types" -eq 0 ]
