#!/usr/bin/env bash
# Create .venv and install Redress with its test tools (pinned in pyproject.toml). Says what it is
# doing: the first install downloads about 60 packages and takes a minute or two.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
if [ ! -x .venv/bin/redress ]; then
  echo "setup: installing Redress and its pinned dependencies into .venv" \
    "(the first time: a minute or two)..." >&2
  [ -x .venv/bin/python ] || python3 -m venv .venv
  # One line a package as pip collects it; the whole output kept, and shown if it fails.
  .venv/bin/python -m pip install --disable-pip-version-check -e '.[test]' \
    > .venv/install.log 2>&1 < /dev/null &
  pid=$!
  tail -n +1 -f .venv/install.log --pid "$pid" 2>/dev/null \
    | grep --line-buffered -E '^(Collecting|Successfully installed)' | cut -c1-100 >&2 || true
  if ! wait "$pid"; then
    cat .venv/install.log >&2
    echo "setup: the install failed (above)" >&2
    exit 1
  fi
else
  .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
fi
echo "setup: ready in $((SECONDS - started)) s" >&2
