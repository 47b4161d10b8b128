#!/usr/bin/env bash
# Usage: bench.sh <release languard binary>. Prints a table of figures; asserts nothing.
set -euo pipefail
bin=$1
cargo build -q --release -p languard-tests --bin languard-bench
LANGUARD_LOG_LEVEL=warn ./scripts/with-server.sh "$bin" -- target/release/languard-bench
