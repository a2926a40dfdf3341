#!/usr/bin/env bash
# The README's quickstart, step by step, against the built binary: serve on a new database,
# read the first admin credential, create a course credential, POST a statement, GET it back.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${TESSERA_BIN:-.build/debug/tessera}
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
"$bin" serve --db "$dir/quickstart.sqlite" --port "$port" --durability normal >"$dir/out" 2>"$dir/err" &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do grep -q "listening" "$dir/err" && break; sleep 0.2; done

passed=0
check() { # name, condition result
    if [ "$2" = "yes" ]; then passed=$((passed + 1)); else echo "FAIL: $1" >&2; echo "quickstart: $passed passed, 1 failed"; exit 1; fi
}
key=$(awk '/key:/ {print $2}' "$dir/out")
secret=$(awk '/secret:/ {print $2}' "$dir/out")
check "serve prints the first admin credential" "$([ -n "$key" ] && [ -n "$secret" ] && echo yes || echo no)"

created=$("$bin" credentials create --db "$dir/quickstart.sqlite" --name "Storyline courses" --scopes statements/write,statements/read)
course_key=$(echo "$created" | awk '/key:/ {print $2}')
course_secret=$(echo "$created" | awk '/secret:/ {print $2}')
check "credentials create prints a key and secret" "$([ -n "$course_key" ] && [ -n "$course_secret" ] && echo yes || echo no)"

url="http://127.0.0.1:$port/xapi/statements"
posted=$(curl -s -u "$course_key:$course_secret" -H 'X-Experience-API-Version: 1.0.3' -H 'Content-Type: application/json' \
    -d '{"actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://courses.example.com/fire-safety"}}' \
    "$url")
id=$(echo "$posted" | sed -n 's/^\["\([0-9a-f-]\{36\}\)"\]$/\1/p')
check "POST returns the new statement id (got $posted)" "$([ -n "$id" ] && echo yes || echo no)"

listed=$(curl -s -u "$key:$secret" -H 'X-Experience-API-Version: 1.0.3' "$url?limit=10")
check "GET lists the statement" "$(echo "$listed" | grep -q "\"id\":\"$id\"" && echo yes || echo no)"
check "the server logged the POST with its credential and status" \
    "$(grep 'credential="Storyline courses"' "$dir/err" | grep 'path=/xapi/statements' | grep -q 'status=200' && echo yes || echo no)"
check "the log holds no secret" "$(grep -q -e "$secret" -e "$course_secret" "$dir/err" && echo no || echo yes)"
echo "quickstart: $passed passed, 0 failed"
