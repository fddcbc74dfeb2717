"""Shared fixtures: the real site, built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from helpers import REPO, SEED, QuietHandler, QuietServer, built, mkdocs_build, no_browser, serve, source_text

# Before the helpers existed, tests imported these from here.
__all__ = ["REPO", "SEED", "source_text", "_QuietHandler", "_QuietServer"]

# Speed lives in the benchmark, never in a test's verdict: no per-example
# deadline (a loaded CI machine is slow, not wrong). The examples are fixed
# per test, not drawn at random: a run passes or fails the same
# way every time. HYPOTHESIS_PROFILE=explore draws new ones (a failure prints
# the example and `@reproduce_failure`, to be pinned with `@example`).
settings.register_profile("plansite", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "plansite"))


def pytest_collection_modifyitems(items):
    """Content tests (tests/test_content_*.py) pin facts of the real plan: marked
    `content`, so that `pytest -m "not content"` runs the code tests alone."""
    for item in items:
        if item.path.name.startswith("test_content_"):
            item.add_marker(pytest.mark.content)
@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built with `mkdocs build --strict` from this checkout."""
    out = tmp_path_factory.mktemp("site")
    built(mkdocs_build(REPO, out, quiet=True))
    return out


# -----------------------------------------------------------------------------
# Browser fixtures (tests marked @pytest.mark.browser)
# -----------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}


_QuietHandler, _QuietServer = QuietHandler, QuietServer


@pytest.fixture(scope="session")
def site_server(built_site):
    """Base URL ("http://127.0.0.1:PORT/") of a local HTTP server for the built site."""
    with serve(built_site) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; Playwright's own browsers are never downloaded."""
    if not CHROMIUM.exists():
        no_browser(f"{CHROMIUM} is missing — install Debian's chromium package")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        no_browser(f"the playwright Python package is not installed ({exc})")
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
