#!/usr/bin/env bash
# deploy/ checked as a machine would use it: the systemd unit by `systemd-analyze verify` (with
# ExecStart's binary pointed at the one just built, since verify needs it to exist), and the
# settings file it names accepted by that binary (every key known, values that parse).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=$(realpath "${TESSERA_BIN:-.build/debug/tessera}")
directory=$(mktemp -d)
trap 'rm -rf "$directory"' EXIT
sed "s#/usr/local/bin/tessera#$BIN#" deploy/tessera.service > "$directory/tessera.service"
systemd-analyze verify "$directory/tessera.service"
echo "ok   deploy/tessera.service passes systemd-analyze verify"
"$BIN" credentials list --config deploy/tessera.yaml --db "$directory/check.sqlite" > /dev/null
echo "ok   deploy/tessera.yaml is accepted by tessera"
"$BIN" --version | grep -qx "[0-9]*\.[0-9]*\.[0-9]*"
echo "ok   tessera --version prints a version ($("$BIN" --version))"
