#!/usr/bin/env bash
# `make demo`: Languard with one simulated server of each game (Arma 3, Source, Minecraft),
# running, with a few scripted players, so a newcomer sees a live panel with no game installed.
# Data lives in a fresh temporary directory; Ctrl-C stops the panel and the simulated games.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/target/debug/languard"
fakegame="$root/target/debug/fakegame"
listen="${LANGUARD_LISTEN:-127.0.0.1:8080}"
password="${LANGUARD_ADMIN_PASSWORD:-demo-admin-password}"
data="$(mktemp -d /tmp/languard-demo.XXXXXX)"
mkdir -p "$data/bin"
for name in arma3server_x64 srcds_run java; do ln -s "$fakegame" "$data/bin/$name"; done

cleanup() {
  kill "$panel" 2>/dev/null || true
  wait "$panel" 2>/dev/null || true
  # The games outlive the panel by design; the demo's own games go with the demo.
  pkill -f "$data/bin/" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT INT TERM

LANGUARD_ADMIN_PASSWORD="$password" LANGUARD_STATIC_DIR="$root/frontend/dist" LANGUARD_LOG_LEVEL=warn \
  "$bin" serve --listen "$listen" --data-dir "$data" > "$data/panel.out" 2>&1 &
panel=$!
for _ in $(seq 1 100); do
  url=$(sed -n 's/^Languard listening on //p' "$data/panel.out" | head -n1)
  [ -n "$url" ] && break
  kill -0 "$panel" 2>/dev/null || { cat "$data/panel.out"; exit 1; }
  sleep 0.1
done

api() { # method path [json]
  curl -sf -X "$1" "$url/api/v1$2" -H "authorization: Bearer $token" -H 'content-type: application/json' ${3:+-d "$3"}
}
# A base port P with P..P+n-1 free on TCP and UDP (Arma 3 uses P..P+4 and RCon at P+10).
free_port() {
  python3 - "${1:-1}" <<'PY'
import random, socket, sys
n = int(sys.argv[1])
def free(p):
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind(("", p))
        except OSError:
            return False
        finally:
            s.close()
    return True
while True:
    base = random.randrange(20000, 60000)
    if all(free(p) for p in range(base, base + n)):
        print(base)
        break
PY
}
json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)$1)"; }

token=$(curl -sf -X POST "$url/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" | json_field '["access_token"]')

create() { # name game executable port config
  api POST /servers "{\"name\":\"$1\",\"game\":\"$2\",\"executable\":\"$data/bin/$3\",\"game_port\":$4,\"config\":$5}"
}
arma=$(create "Altis Life (demo)" arma3 arma3server_x64 "$(free_port 12)" \
  '{"hostname":"Altis Life (demo)","max_players":40,"motd":["Welcome","Be nice"]}')
source=$(create "L4D2 Versus (demo)" source srcds_run "$(free_port)" '{"game":"left4dead2","map":"c1m1_hotel","hostname":"Versus"}')
minecraft=$(create "Survival (demo)" minecraft java "$(free_port 11)" '{"eula_accepted":true,"motd":"A demo world"}')

for server in "$arma" "$source" "$minecraft"; do
  id=$(echo "$server" | json_field '["id"]')
  api POST "/servers/$id/start" > /dev/null || echo "could not start server $id: see its events in the panel" >&2
  dir=$(echo "$server" | json_field '["directory"]')
  printf 'join Steve 76561198017965694\njoin Alex 76561197972611406\nchat Steve hello from the demo\n' > "$dir/fakegame.control"
done

cat <<INFO

  Languard demo is running at $url
  log in as admin / $password
  three simulated game servers are starting (Arma 3, Left 4 Dead 2, Minecraft)

  Press Ctrl-C to stop the demo.
INFO
wait "$panel"
