#!/usr/bin/env bash
# Cross-checks fakegame with independent PyPI RCON clients (rcon, berconpy).
# Expects target/debug/fakegame to exist (cargo build -p languard-tests --bin fakegame);
# install the clients once with: python3 -m pip install -r tests/crosscheck/requirements.txt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${FAKEGAME:-$root/target/debug/fakegame}"
if [[ ! -x "$bin" ]]; then
  echo "crosscheck: $bin not found; build it with: cargo build -p languard-tests --bin fakegame" >&2
  exit 2
fi
if ! python3 -c 'import rcon, berconpy' 2>/dev/null; then
  echo "crosscheck: missing Python clients; run: python3 -m pip install -r $here/requirements.txt" >&2
  exit 2
fi
exec timeout 60 python3 "$here/crosscheck.py" "$bin"
