#!/usr/bin/env bash
# Makes the project's Python environment: a virtual environment at .venv/ (FLIGHTLAB_VENV to put it
# elsewhere) with the exact packages of python/requirements.txt (pyarrow), and prints the path of
# its python on stdout, the only thing this script prints there. Progress and errors go to stderr.
#
# Idempotent and fast when done: a stamp in the environment records a hash of the requirements and
# the interpreter it was built with; when both still match, the script only prints the path. A
# change to python/requirements.txt (or a broken environment) rebuilds it from scratch.
#
# The interpreter: FLIGHTLAB_PYTHON if set, else the first of python3 on the PATH and
# /usr/bin/python3 that has the venv module and ensurepip. When none has them (Debian's python3
# without the python3-venv package) and apt-get can run as root, it installs python3-venv.
#
# pip installs from whatever index pip is configured for (PIP_INDEX_URL, pip.conf, find-links);
# when it cannot reach one that has the pinned version, this script exits 1 and says so. The interop
# tests then fail, unless FLIGHTLAB_SKIP_PYARROW=1 (docs/interop.md).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="$root/python/requirements.txt"
venv="${FLIGHTLAB_VENV:-$root/.venv}"
stamp="$venv/.flightlab-env"

say() { echo "python-env: $*" >&2; }

# The stamp's content: requirements hash and the base interpreter's real path and version.
wanted_stamp() {
  local base="$1"
  printf 'requirements %s\ninterpreter %s %s\n' \
    "$(sha256sum "$requirements" | cut -d' ' -f1)" \
    "$("$base" -c 'import os, sys; print(os.path.realpath(sys.executable))')" \
    "$("$base" -c 'import platform; print(platform.python_version())')"
}

# Fast path: the environment exists, its python runs, and it was built from these requirements
# (the interpreter part is checked against the one it was built with, not searched for again).
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] &&
  base="$("$venv/bin/python" -c 'import sys; print(sys._base_executable)' 2>/dev/null)" &&
  [ "$(wanted_stamp "$base" 2>/dev/null)" = "$(cat "$stamp")" ]; then
  echo "$venv/bin/python"
  exit 0
fi

# Two builds at once (a test run and the seed race) would trample each other: one at a time.
mkdir -p "$(dirname "$venv")"
if command -v flock >/dev/null; then
  exec 9>"$venv.lock"
  flock 9
fi

has_venv() { "$1" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 9))' 2>/dev/null; }

find_python() {
  local candidates=()
  if [ -n "${FLIGHTLAB_PYTHON:-}" ]; then
    candidates=("$FLIGHTLAB_PYTHON")
  else
    candidates=(python3 /usr/bin/python3)
  fi
  local c
  for c in "${candidates[@]}"; do
    if command -v "$c" >/dev/null && has_venv "$c"; then
      command -v "$c"
      return 0
    fi
  done
  return 1
}

if ! python="$(find_python)"; then
  if [ -z "${FLIGHTLAB_PYTHON:-}" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    say "no python3 with the venv module; installing Debian's python3-venv"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq python3-venv >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && apt-get install -y -qq python3-venv >/dev/null; } ||
      say "apt-get install python3-venv failed"
  fi
  if ! python="$(find_python)"; then
    say "no Python 3.9+ with the venv module found (tried ${FLIGHTLAB_PYTHON:-python3 and /usr/bin/python3})."
    say "Install one (Debian: apt-get install python3-venv) or set FLIGHTLAB_PYTHON to its path."
    exit 1
  fi
fi

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(wanted_stamp "$python")" = "$(cat "$stamp")" ]; then
  echo "$venv/bin/python" # another process built it while this one waited for the lock
  exit 0
fi

if [ -e "$venv" ] && [ ! -f "$venv/pyvenv.cfg" ] && [ -n "$(ls -A "$venv")" ]; then
  say "$venv exists and is not a virtual environment: not touching it"
  exit 1
fi
say "creating $venv with $python ($("$python" -c 'import platform; print(platform.python_version())'))"
rm -rf "$venv"
"$python" -m venv "$venv"
say "installing $(grep -v '^#' "$requirements" | grep -v '^$' | tr '\n' ' ')"
if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q \
  -r "$requirements" >&2; then
  rm -rf "$venv"
  say "pip could not install python/requirements.txt: no reachable package index has it (pip's"
  say "index: \$PIP_INDEX_URL, pip.conf or pypi.org). Point pip at one, or set"
  say "FLIGHTLAB_SKIP_PYARROW=1 to skip the pyarrow interop tests (docs/interop.md)."
  exit 1
fi
if ! "$venv/bin/python" -c 'import pyarrow.flight' >&2; then
  rm -rf "$venv"
  say "pyarrow installed but 'import pyarrow.flight' failed"
  exit 1
fi
wanted_stamp "$python" >"$stamp"
say "ready: pyarrow $("$venv/bin/python" -c 'import pyarrow; print(pyarrow.__version__)')"
echo "$venv/bin/python"
