#!/usr/bin/env bash
# pretest: install the policy pack on its own (policy/package-lock.json), as CI and `pulumi --policy-pack policy` need
# it; skipped when policy/node_modules is already at the lockfile's state.
set -euo pipefail
cd "$(dirname "$0")/../policy"
installed=node_modules/.package-lock.json
if [ ! -f "$installed" ] || [ package-lock.json -nt "$installed" ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi
