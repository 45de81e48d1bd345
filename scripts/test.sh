#!/usr/bin/env bash
# Set up and run every check: lint, types, layers, and the whole test suite on SQLite and PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/ensure-postgres.sh
scripts/ensure-chromium.sh
scripts/ensure-letters.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
.venv/bin/lint-imports
# Two workers (this machine has two cores); REDRESS_TEST_WORKERS=0 runs in one process.
.venv/bin/pytest -n "${REDRESS_TEST_WORKERS:-auto}" "$@"
