#!/usr/bin/env bash
# The interop test (interop_test.py) against `antom-sidecar dev` processes of its own:
#   examples/python/test.sh [BINARY]   # default: target/debug/antom-sidecar
# Uses run.sh's venv, with requirements-test.txt (prometheus-client) added.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="$(bash "$here/venv.sh" "$here/requirements.txt" "$here/requirements-test.txt")"
exec "$py" "$here/interop_test.py" "$@"
