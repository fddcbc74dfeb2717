#!/usr/bin/env bash
# One entry point for people and CI.
#   ./run.sh serve   set up (first time), validate, build and preview at http://127.0.0.1:8000/
#   ./run.sh build   set up, validate and build the site into site/ (strict)
#   ./run.sh test    set up and run the whole test suite (browser tests included)
set -euo pipefail
cd "$(dirname "$0")"
# Material prints an end-of-life banner on every build; the README says why we pin it.
export NO_MKDOCS_2_WARNING=1

VENV=${VENV:-.venv}
PY="$VENV/bin/python"

setup() {
  # WeasyPrint (the PDF downloads) needs Debian's pango and the serif it embeds.
  if [ -z "$(find /usr/lib /lib -name 'libpango-1.0.so*' -print -quit 2>/dev/null)" ] \
      || [ ! -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 >/dev/null
    else
      echo "run.sh: install pango and the serif font first: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation2" >&2
      exit 1
    fi
  fi
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
  test)
    setup
    exec "$PY" -m pytest "$@"
    ;;
  *)
    echo "usage: $0 serve|build|test" >&2
    exit 2
    ;;
esac
