#!/usr/bin/env bash
# Cross-checks fakegame with independent PyPI RCON clients (rcon, berconpy), and Languard's own
# RCON clients with independent servers (berconpy's protocol module, rconx).
# Expects target/debug/fakegame and target/debug/languard (cargo build -p languard -p languard-tests --bins);
# install the clients once with: python3 -m pip install -r tests/crosscheck/requirements.txt
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${FAKEGAME:-$root/target/debug/fakegame}"
languard="${LANGUARD:-$root/target/debug/languard}"
for b in "$bin" "$languard"; do
  if [[ ! -x "$b" ]]; then
    echo "crosscheck: $b not found; build it with: cargo build -p languard -p languard-tests --bins" >&2
    exit 2
  fi
done
if ! python3 -c 'import rcon, berconpy, rconx.server.server' 2>/dev/null; then
  echo "crosscheck: missing Python clients; run: python3 -m pip install -r $here/requirements.txt" >&2
  exit 2
fi
exec timeout 60 python3 -B "$here/crosscheck.py" "$bin" "$languard"
