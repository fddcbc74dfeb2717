#!/usr/bin/env bash
# One entry point for people and CI.
#   ./run.sh serve   set up (first time), validate, build and preview at http://127.0.0.1:8000/
#   ./run.sh build   set up, validate and build the site into site/ (strict)
#   ./run.sh publish build as for publishing: fails unless SITE_URL is a public address
#   ./run.sh test    set up and run the whole test suite (browser tests included)
set -euo pipefail
cd "$(dirname "$0")"
# Material prints an end-of-life banner on every build; the README says why we pin it.
export NO_MKDOCS_2_WARNING=1

VENV=${VENV:-.venv}
PY="$VENV/bin/python"

setup() {
  if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV"
  fi
  # Re-install only when the pins change.
  local stamp="$VENV/.installed"
  local want
  want=$(cat requirements.txt requirements-dev.txt pyproject.toml | sha256sum | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$PY" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
    "$PY" -m pip install --quiet --disable-pip-version-check --no-deps -e .
    echo "$want" > "$stamp"
  fi
  # Test tools from npm (axe-core, the Nu Html Checker), exact pins from package-lock.json.
  local npmstamp="node_modules/.installed"
  local npmwant
  npmwant=$(sha256sum package-lock.json | cut -d' ' -f1)
  if command -v npm >/dev/null 2>&1 && { [ ! -f "$npmstamp" ] || [ "$(cat "$npmstamp")" != "$npmwant" ]; }; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    echo "$npmwant" > "$npmstamp"
  fi
}

cmd=${1:-serve}
shift || true
case "$cmd" in
  serve)
    setup
    "$PY" -m plansite check
    "$PY" -m mkdocs build --strict
    exec "$PY" -m mkdocs serve --livereload "$@"
    ;;
  build)
    setup
    "$PY" -m plansite check
    exec "$PY" -m mkdocs build --strict "$@"
    ;;
  publish)
    # Short URLs and QR codes carry SITE_URL: a local one must never be published.
    export PLANSITE_PUBLISH=1
    setup
    "$PY" -m plansite check
    exec "$PY" -m mkdocs build --strict "$@"
    ;;
  test)
    setup
    exec "$PY" -m pytest "$@"
    ;;
  *)
    echo "usage: $0 serve|build|publish|test" >&2
    exit 2
    ;;
esac
