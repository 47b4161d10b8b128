#!/usr/bin/env bash
# Usage: with-server.sh <languard binary> -- <command…>
# Starts `languard serve` on a free port with a throw-away data dir, exports LANGUARD_URL and
# LANGUARD_ADMIN_PASSWORD for the command, runs it, and stops the server whatever happens.
set -euo pipefail
bin=$1; shift; [ "$1" = "--" ] && shift
data=$(mktemp -d)
log="$data/server.log"
export LANGUARD_ADMIN_PASSWORD="e2e-admin-password"
LANGUARD_STATIC_DIR="${LANGUARD_STATIC_DIR:-frontend/dist}" "$bin" serve --listen 127.0.0.1:0 --data-dir "$data" >"$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 100); do
  url=$(sed -n 's/^Languard listening on //p' "$log" | head -n1)
  [ -n "$url" ] && break
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.1
done
[ -n "${url:-}" ] || { echo "server did not start"; cat "$log"; exit 1; }
export LANGUARD_URL=$url LANGUARD_PID=$pid
echo "server at $url"
status=0
"$@" || status=$?
if [ "$status" -ne 0 ]; then
  echo "---- server log (errors and warnings) ----"
  grep -E 'ERROR|WARN' "$log" | tail -n 40 || true
fi
exit "$status"
