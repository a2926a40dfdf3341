#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests (docs: README "Tests"):
#   source Tests/Scripts/postgres_cluster.sh start   # exports TESSERA_TEST_POSTGRES
#   Tests/Scripts/postgres_cluster.sh stop
# The tests' cluster skips fsync (nothing in it needs to outlive the run); for benchmarks, start
# one that syncs as a production server does on another port:
#   TESSERA_TEST_POSTGRES_PORT=55433 TESSERA_TEST_POSTGRES_DATA=/tmp/tessera-bench-postgres \
#   TESSERA_TEST_POSTGRES_FSYNC=on source Tests/Scripts/postgres_cluster.sh start
# Installs Debian's postgresql when it is missing. Trust authentication on loopback only; the
# data directory is temporary. Run as root, the server runs as the `postgres` user.
set -euo pipefail
port=${TESSERA_TEST_POSTGRES_PORT:-55432}
data=${TESSERA_TEST_POSTGRES_DATA:-/tmp/tessera-test-postgres}
fsync=${TESSERA_TEST_POSTGRES_FSYNC:-off}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-start}" in
start)
    if [ -z "$bin" ]; then
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
        bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    if ! as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        rm -rf "$data" && mkdir -p "$data"
        [ "$(id -u)" -eq 0 ] && chown postgres "$data"
        as_owner "$bin/initdb" -D "$data" -U tessera --auth=trust >/dev/null
        as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=$fsync -c max_connections=500" start >/dev/null
    fi
    export TESSERA_TEST_POSTGRES="postgres://tessera@127.0.0.1:$port/postgres?sslmode=disable"
    echo "PostgreSQL for the tests: $TESSERA_TEST_POSTGRES"
    ;;
stop)
    [ -n "$bin" ] && as_owner "$bin/pg_ctl" -D "$data" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$data"
    ;;
esac
