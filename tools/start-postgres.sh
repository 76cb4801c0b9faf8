#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the database tests and print how to reach it:
#
#   eval "$(tools/start-postgres.sh)"      # sets HYGIENE_TEST_POSTGRES_URL
#   tools/start-postgres.sh --stop         # stops it again
#
# Idempotent: installs PostgreSQL from the Debian packages only when it is missing (needs root),
# reuses a server that is already running in the data directory, and creates the database only
# when it doesn't exist. The server runs as the `postgres` user when started by root, listens on
# 127.0.0.1 on a free port, keeps its socket in the data directory and trusts local connections:
# it is for tests only. Progress goes to stderr; stdout is only the `export` line.
set -euo pipefail

data_dir="${HYGIENE_POSTGRES_DIR:-${TMPDIR:-/tmp}/hygiene-postgres}"
database="${HYGIENE_POSTGRES_DB:-hygiene_test}"

log() { echo "start-postgres: $*" >&2; }

find_bin_dir() {
  local initdb
  if initdb="$(command -v initdb 2>/dev/null)"; then
    dirname "$(readlink -f "$initdb")"
    return
  fi
  # Debian keeps the server binaries off PATH, one directory per major version.
  find /usr/lib/postgresql -maxdepth 3 -path '*/bin/initdb' -printf '%h\n' 2>/dev/null \
    | sort -V | tail -n 1
}

bin_dir="$(find_bin_dir)"
if [[ -z "$bin_dir" ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    log "PostgreSQL is not installed; run as root to install it, or: apt-get install -y postgresql"
    exit 1
  fi
  log "installing PostgreSQL (apt-get install -y postgresql)"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin_dir="$(find_bin_dir)"
fi

as_server_user() {
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

if [[ "${1:-}" == "--stop" ]]; then
  if [[ -f "$data_dir/postmaster.pid" ]]; then
    as_server_user "$bin_dir/pg_ctl" -D "$data_dir" -m fast -w stop >&2
  else
    log "no server running in $data_dir"
  fi
  exit 0
fi

if [[ ! -f "$data_dir/PG_VERSION" ]]; then
  log "creating a cluster in $data_dir"
  mkdir -p "$data_dir"
  if [[ "$(id -u)" == 0 ]]; then
    chown postgres: "$data_dir"
  fi
  chmod 700 "$data_dir"
  as_server_user "$bin_dir/initdb" -D "$data_dir" -U postgres --auth=trust -E UTF8 >&2
fi

if as_server_user "$bin_dir/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
  port="$(sed -n 4p "$data_dir/postmaster.pid")"
  log "reusing the server on port $port"
else
  # A free port, asked of the kernel; the data directory keeps it for the next run's reuse.
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 54329)"
  log "starting the server on 127.0.0.1:$port"
  as_server_user "$bin_dir/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data_dir" start >&2
fi

psql_run() { "$bin_dir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [[ "$(psql_run -c "SELECT 1 FROM pg_database WHERE datname = '$database'")" != 1 ]]; then
  log "creating database $database"
  psql_run -c "CREATE DATABASE \"$database\"" >&2
fi

echo "export HYGIENE_TEST_POSTGRES_URL=postgresql://postgres@127.0.0.1:$port/$database"
