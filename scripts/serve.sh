#!/usr/bin/env bash
# Set up and start Redress on the embedded SQLite database (./redress.db), with demo data loaded
# and a CRM key printed for trying the API in /docs.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/redress migrate
.venv/bin/redress demo
echo "Redress: http://${REDRESS_HOST:-127.0.0.1}:${REDRESS_PORT:-8000}/docs (Authorize with the key above)"
exec .venv/bin/redress serve
