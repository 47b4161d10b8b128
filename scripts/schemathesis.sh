#!/usr/bin/env bash
# Property-based requests generated from the committed spec against a running server
# (LANGUARD_URL, LANGUARD_ADMIN_PASSWORD come from with-server.sh). Fails on any 5xx, any
# response that does not match its documented schema or status, and other schemathesis checks.
set -euo pipefail
spec=openapi/openapi.json
token=$(curl -sf -X POST "$LANGUARD_URL/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$LANGUARD_ADMIN_PASSWORD\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
# Operations that could end the admin's own session or account run in a second pass, so the
# others are exercised with a working token.
# One worker: with two, Python 3.11's ast module (which hypothesis calls to describe its
# filters) is not thread-safe and now and then fails a run with "AST constructor recursion
# depth mismatch".
risky='/api/v1/(users/\{id\}|auth/logout|auth/password|tokens/\{id\})$'
# positive_data_acceptance is left out: the API refuses, with a 422 naming the field, inputs no
# JSON Schema can describe (NUL characters, taken names, game-specific config rules, files that
# must exist). Every other check runs: no 5xx, documented statuses, bodies matching their schema.
common=(--url "$LANGUARD_URL" -H "Authorization: Bearer $token" --checks all --exclude-checks positive_data_acceptance
  --max-examples "${SCHEMATHESIS_EXAMPLES:-40}" --seed 1 --workers 1 --request-timeout 10 --no-color)
st run "$spec" "${common[@]}" --exclude-path-regex "$risky"
st run "$spec" "${common[@]}" --include-path-regex "$risky"
