#!/usr/bin/env bash
# One entry point for people and CI.
#   ./run.sh serve   set up (first time), validate, build and preview at http://127.0.0.1:8000/
#   ./run.sh build   set up, validate and build the site into site/ (strict); the
#                    build goes to a temporary folder and replaces site/ only
#                    when it succeeded; one build at a time per checkout
#   ./run.sh publish build as for publishing: fails unless SITE_URL is a public address
#   ./run.sh lint    set up and run the lint and type checks (ruff, mypy; pyproject.toml)
#   ./run.sh test    set up, run the lint and type checks, then the whole test suite
#                    (browser tests included); PLANSITE_LINT=0 skips the checks for a
#                    quick run of a few tests
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
  # Test tools from npm (axe-core, the Nu Html Checker), exact pins from package-lock.json
  # (a copy of the project without them, or a machine without npm, builds all the same).
  local npmstamp="node_modules/.installed"
  local npmwant
  if command -v npm >/dev/null 2>&1 && [ -f package-lock.json ]; then
    npmwant=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [ ! -f "$npmstamp" ] || [ "$(cat "$npmstamp")" != "$npmwant" ]; then
      npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
      echo "$npmwant" > "$npmstamp"
    fi
  fi
}

# Build into a temporary folder beside site/ and rename it into place only when
# the strict build (content, links, permalinks) succeeded: a refused build
# never touches the site already there. A lock allows one build per checkout.
build_site() {
  exec 9>".site.lock"
  if ! flock -n 9; then
    echo ".site.lock: another build is running in this checkout — wait for it to finish, then run this again" >&2
    exit 1
  fi
  rm -rf .site.build.*   # left by a build that was killed (we hold the lock)
  "$PY" -m plansite check
  tmp=$(mktemp -d ".site.build.XXXXXX")   # global: the EXIT trap runs outside this function
  chmod 755 "$tmp"
  trap 'rm -rf "$tmp" "$tmp.old"' EXIT
  # With PLANSITE_PUBLISH=1 (`./run.sh publish`, the Pages workflow) a missing
  # permalinks.lock.json and a local SITE_URL are errors, not warnings.
  "$PY" -m mkdocs build --strict --site-dir "$tmp" "$@"
  if [ -d site ]; then mv site "$tmp.old"; fi
  mv "$tmp" site
  rm -rf "$tmp.old"
}

# Zero findings: any ruff or mypy finding fails the command (and so CI).
lint() {
  "$VENV/bin/ruff" check --quiet .
  "$VENV/bin/mypy"
}

cmd=${1:-serve}
shift || true
case "$cmd" in
  serve)
    setup
    build_site
    exec 9>&-   # the preview holds no build lock
    exec "$PY" -m mkdocs serve --livereload "$@"
    ;;
  build)
    setup
    build_site "$@"
    ;;
  publish)
    # Short URLs and QR codes carry SITE_URL: a local one must never be published.
    export PLANSITE_PUBLISH=1
    setup
    build_site "$@"
    ;;
  lint)
    setup
    lint
    ;;
  test)
    setup
    if [ "${PLANSITE_LINT:-1}" != 0 ]; then lint; fi
    exec "$PY" -m pytest "$@"
    ;;
  *)
    echo "usage: $0 serve|build|publish|lint|test" >&2
    exit 2
    ;;
esac
