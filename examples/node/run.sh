#!/usr/bin/env bash
# Runs the Node example against a running sidecar (`cargo run -- dev` in the repo root):
#
#   examples/node/run.sh [ADDR]     # ADDR: else $ANTOM_SIDECAR_ADDR, else 127.0.0.1:50051
#
# Installs the locked dependencies into examples/node/node_modules first, unless the
# lockfile is unchanged since the last install. npm's output goes to stderr, so stdout is
# the client's alone.
set -euo pipefail
cd "$(dirname "$0")"
stamp=node_modules/.run-sh-lock-stamp
if ! cmp -s package-lock.json "$stamp"; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error 1>&2
  cp package-lock.json "$stamp"
fi
exec node client.js "$@"
