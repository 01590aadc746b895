#!/usr/bin/env bash
# Installs the real Python framework, livekit-agents, into one cached venv per version and prints
# each venv's python, one a line. Usage: bash scripts/python-agents.sh [version...]
# (default: 1.8.9 1.7.1). Cache: ${DEADAIR_PY_CACHE:-$HOME/.cache/deadair/python}.
# A venv is reused once `pip install livekit-agents==<version>` has completed in it.
set -euo pipefail

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(1.8.9 1.7.1)
cache="${DEADAIR_PY_CACHE:-$HOME/.cache/deadair/python}"
py="${PYTHON:-python3}"

fail() {
  echo "python-agents.sh: $*" >&2
  exit 1
}

command -v "$py" >/dev/null 2>&1 || fail "$py not found: install Python 3.10 or newer"
"$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' ||
  fail "$("$py" -V 2>&1) is too old: livekit-agents needs Python 3.10 or newer"
"$py" -c 'import venv, ensurepip' >/dev/null 2>&1 ||
  fail "$py -m venv is not available (Debian/Ubuntu: apt-get install python3-venv)"

mkdir -p "$cache"
for v in "${versions[@]}"; do
  [[ "$v" =~ ^[0-9]+(\.[0-9]+)*([a-z]+[0-9]*)?$ ]] || fail "not a version: $v"
  dir="$cache/livekit-agents-$v"
  if [ ! -f "$dir/.installed" ]; then
    rm -rf "$dir"
    "$py" -m venv "$dir" >&2 || fail "$py -m venv $dir failed"
    "$dir/bin/python" -m pip --version >/dev/null 2>&1 || fail "pip is missing in the venv $dir"
    "$dir/bin/python" -m pip install --disable-pip-version-check -q "livekit-agents==$v" >&2 ||
      fail "pip install livekit-agents==$v failed"
    "$dir/bin/python" -c 'import livekit.agents' || fail "livekit-agents $v does not import"
    echo "$v" >"$dir/.installed"
  fi
  echo "$dir/bin/python"
done
