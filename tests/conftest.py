"""Shared fixtures: the real site, built once per test session."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent

# Speed lives in the benchmark, never in a test's verdict: no per-example
# deadline (a loaded CI machine is slow, not wrong).
settings.register_profile("plansite", deadline=None)
settings.load_profile("plansite")
# The source text of the plan: shared/ sits beside the checkout (as in CI).
SEED = REPO.parent / "shared" / "seeds" / "000_94313a2b43ccb1dc.txt"


def source_text() -> str:
    """The plan's source text; skip loudly without it, or fail when CI demands it
    (PLANSITE_REQUIRE_SOURCE=1): the tests that compare the site with the source
    are the ones that prove nothing was lost."""
    if not SEED.exists():
        reason = f"SOURCE TEXT MISSING: {SEED} (shared/ must sit beside the checkout)"
        if os.environ.get("PLANSITE_REQUIRE_SOURCE") == "1":
            pytest.fail(reason + " (PLANSITE_REQUIRE_SOURCE=1 makes this an error)", pytrace=False)
        pytest.skip(reason)
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built with `mkdocs build --strict` from this checkout."""
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
                   cwd=REPO, check=True, env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    return out


# -----------------------------------------------------------------------------
# Browser fixtures (tests marked @pytest.mark.browser)
# -----------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler without the per-request log lines."""

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # The browser drops keep-alive connections when a context closes; that is not a failure.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@pytest.fixture(scope="session")
def site_server(built_site):
    """Base URL ("http://127.0.0.1:PORT/") of a local HTTP server for the built site."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="plansite-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _no_browser(reason: str):
    """Skip loudly, or fail when CI demands a browser (PLANSITE_REQUIRE_BROWSER=1)."""
    reason = f"BROWSER TESTS NOT RUN: {reason}"
    if os.environ.get("PLANSITE_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (PLANSITE_REQUIRE_BROWSER=1 makes this an error)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; Playwright's own browsers are never downloaded."""
    if not CHROMIUM.exists():
        _no_browser(f"{CHROMIUM} is missing — install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _no_browser(f"the playwright Python package is not installed ({exc})")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own browser context (desktop viewport), closed after the test."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()
