#!/usr/bin/env bash
# Deadline benchmark: do callers get the sidecar's DEADLINE_EXCEEDED, with details, or
# only their own timer's? grpcio and grpc-js clients make CALLS calls each at a 100 ms
# deadline to calls the emulator holds 2 s, against `antom-sidecar dev`, once on an idle
# machine and once with two low-priority (nice 19) busy loops.
#
#   bash benches/deadlines/run.sh [BINARY] [CALLS]          # report
#   MIN_IDLE=90 bash benches/deadlines/run.sh BINARY 100    # also fail below 90 idle
#
# BINARY defaults to target/release/antom-sidecar. Installs grpcio (virtualenv) and
# @grpc/grpc-js (npm) under ${TMPDIR:-/tmp} on first use.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="${1:-$here/../../target/release/antom-sidecar}"
calls="${2:-100}"
cache="${TMPDIR:-/tmp}"

venv="$cache/antom-sidecar-venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c 'import grpc' 2>/dev/null \
  || "$venv/bin/pip" install --quiet --disable-pip-version-check grpcio==1.85.3
node_dir="$cache/antom-sidecar-node"
if [ ! -d "$node_dir/node_modules/@grpc/grpc-js" ]; then
  mkdir -p "$node_dir"
  (cd "$node_dir" && npm install --silent --no-audit --no-fund @grpc/grpc-js@1.14.7 >/dev/null)
fi

out="$(mktemp)"
"$binary" dev --listen 127.0.0.1:0 >"$out" 2>/dev/null &
dev=$!
busy=()
cleanup() { kill "${busy[@]}" "$dev" 2>/dev/null || true; rm -f "$out"; }
trap cleanup EXIT
for _ in $(seq 100); do grep -q "gRPC on" "$out" && break; sleep 0.1; done
addr="$(sed -n 's/.*gRPC on \([^,]*\),.*/\1/p' "$out" | head -1)"
[ -n "$addr" ] || { echo "dev did not start" >&2; exit 1; }

clients() {
  "$venv/bin/python" "$here/client.py" "$addr" "$calls" 100
  NODE_PATH="$node_dir/node_modules" node "$here/client.js" "$addr" "$calls" 100
}

echo "idle machine (load $(cut -d' ' -f1 /proc/loadavg)):"
idle="$(clients)"
echo "$idle" | sed 's/^/  /'
for _ in 1 2; do nice -n 19 sh -c 'while :; do :; done' & busy+=($!); done
echo "two nice-19 busy loops:"
clients | sed 's/^/  /'

if [ -n "${MIN_IDLE:-}" ]; then
  echo "$idle" | while read -r name got _; do
    if [ "$got" -lt "$MIN_IDLE" ]; then
      echo "$name: $got of $calls replies carried the sidecar's details idle (want >= $MIN_IDLE)" >&2
      exit 1
    fi
  done
fi
