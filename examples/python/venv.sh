#!/usr/bin/env bash
# Prints the python of a virtualenv that holds the given requirements files, creating
# or reusing it under ${TMPDIR:-/tmp}/antom-sidecar-example-python. pip runs only when
# a file differs from the copy kept in the venv at its last install.
#   py="$(bash examples/python/venv.sh examples/python/requirements.txt [more.txt ...])"
set -euo pipefail
venv="${TMPDIR:-/tmp}/antom-sidecar-example-python"
# A venv whose python is gone (the system's was upgraded, say) is made anew.
"$venv/bin/python" -c '' 2>/dev/null || { rm -rf "$venv"; python3 -m venv "$venv" >&2; }
stale=()
for file in "$@"; do
  cmp -s "$file" "$venv/installed-$(basename "$file")" || stale+=("$file")
done
if [ "${#stale[@]}" -gt 0 ]; then
  args=()
  for file in "${stale[@]}"; do args+=(-r "$file"); done
  "$venv/bin/pip" install --quiet --disable-pip-version-check "${args[@]}" >&2
  for file in "${stale[@]}"; do cp "$file" "$venv/installed-$(basename "$file")"; done
fi
echo "$venv/bin/python"
