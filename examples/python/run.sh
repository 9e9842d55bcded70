#!/usr/bin/env bash
# Runs the example client against a sidecar (`cargo run -- dev` in the repo root):
#   examples/python/run.sh [ADDR]     # default: $ANTOM_SIDECAR_ADDR, else 127.0.0.1:50051
# Installs requirements.txt into a venv under ${TMPDIR:-/tmp} (pip only when it changed),
# generates the stubs from proto/ into gen/ (gitignored), then runs client.py.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="$(bash "$here/venv.sh" "$here/requirements.txt")"
rm -rf "$here/gen"
mkdir "$here/gen"
"$py" -m grpc_tools.protoc -I"$here/../../proto" --python_out="$here/gen" --pyi_out="$here/gen" \
  --grpc_python_out="$here/gen" antom/risk/v1/risk_service.proto
exec "$py" "$here/client.py" "$@"
