#!/usr/bin/env bash
# Create .venv and install Redress with its test tools (pinned in pyproject.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
