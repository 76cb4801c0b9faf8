#!/usr/bin/env bash
# Installs BuildGrid (a real Remote Execution API server, from PyPI) into a venv under
# ~/.cache and starts it on loopback as an in-memory CAS + ActionCache: a remote cache for Pants.
# Prints `export HYGIENE_TEST_REAPI_ADDRESS=grpc://127.0.0.1:<port>` for `eval`.
#
#   eval "$(tools/start-reapi.sh)"
#
# Needs a CPython 3.13 (BuildGrid 0.9.1 requires it): on PATH as python3.13 or in pyenv.
set -euo pipefail

port="${HYGIENE_REAPI_PORT:-50151}"
venv="${HOME}/.cache/pants-monorepo-hygiene/buildgrid-0.9.1"
state="${TMPDIR:-/tmp}/hygiene-reapi-${port}"

python313=""
for candidate in python3.13 "${PYENV_ROOT:-$HOME/.pyenv}/versions/3.13"*/bin/python3.13; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys' 2>/dev/null; then
    python313="$(command -v "$candidate")"
    break
  fi
done
if [[ -z "$python313" ]]; then
  echo "start-reapi.sh: BuildGrid 0.9.1 needs CPython 3.13; none found on PATH or in pyenv" >&2
  exit 1
fi

# The stamp is written last, so an interrupted install is redone.
if [[ ! -f "$venv/.installed" ]]; then
  rm -rf "$venv"
  "$python313" -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet "buildgrid==0.9.1" >&2
  touch "$venv/.installed"
fi

mkdir -p "$state"
# In-memory CAS and action cache, the REAPI cache services Pants uses (CAS, ByteStream,
# ActionCache, Capabilities), instance `main`, no authentication, loopback only.
cat > "$state/config.yml" <<YAML
server:
  - !channel
    address: "127.0.0.1:${port}"
    insecure-mode: true
authorization:
  method: none
storages:
  - !lru-storage &cas
    size: 512M
caches:
  - !lru-action-cache &ac
    storage: *cas
    max-cached-refs: 100000
    allow-updates: true
    cache-failed-actions: true
instances:
  - name: main
    services:
      - !action-cache
        cache: *ac
      - !cas
        storage: *cas
      - !bytestream
        storage: *cas
YAML

if [[ -f "$state/pid" ]] && kill -0 "$(cat "$state/pid")" 2>/dev/null; then
  echo "export HYGIENE_TEST_REAPI_ADDRESS=grpc://127.0.0.1:${port}"
  exit 0
fi
"$venv/bin/bgd" server start "$state/config.yml" >"$state/server.log" 2>&1 &
echo $! >"$state/pid"
for _ in $(seq 1 60); do
  if "$venv/bin/bgd" capabilities --remote "http://127.0.0.1:${port}" --instance-name main >/dev/null 2>&1; then
    echo "export HYGIENE_TEST_REAPI_ADDRESS=grpc://127.0.0.1:${port}"
    exit 0
  fi
  sleep 1
done
echo "start-reapi.sh: BuildGrid did not answer on 127.0.0.1:${port}; see $state/server.log" >&2
exit 1
