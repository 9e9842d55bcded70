#!/usr/bin/env bash
# The Python checks, each against `antom-sidecar dev` processes of its own:
#   examples/python/test.sh [BINARY]   # default: target/debug/antom-sidecar
# interop_test.py (grpcio against the sidecar), then sdk_compare_test.py and
# sdk_compare_decide_test.py (the bodies the sidecar sends, compared with those Antom's
# official Python SDK builds: the notifications, then Decide). All run, and the script
# fails if any does. Uses run.sh's venv, with requirements-test.txt
# (prometheus-client, global-open-sdk-python) added.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="$(bash "$here/venv.sh" "$here/requirements.txt" "$here/requirements-test.txt")"
failed=0
for test in interop_test.py sdk_compare_test.py sdk_compare_decide_test.py; do
  printf '\n==> examples/python/%s\n' "$test"
  "$py" "$here/$test" "$@" || { echo "examples/python/$test failed" >&2; failed=1; }
done
exit "$failed"
