#!/usr/bin/env bash
# Usage: bench.sh. Builds the panel, the simulator and the benchmark in release with one cargo
# call (one feature set, so the crates they share compile once), then runs the benchmark, which
# starts the panel and its simulators itself and kills them when done. Prints one table of
# figures beside their same-run references and targets; exits non-zero only when something
# failed (lines lost, requests refused), never because a figure is slow.
set -euo pipefail
cd "$(dirname "$0")/.."
"${CARGO:-cargo}" build --release -p languard -p languard-tests \
  --bin languard --bin languard-bench --bin fakegame
exec target/release/languard-bench target/release/languard target/release/fakegame
