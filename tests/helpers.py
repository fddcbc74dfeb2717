"""What many tests need, in one place: the pages to visit, a copy of the
project, a strict build, a static HTTP server, text comparison and the
Playwright guard.

Tests import it as a module (`from helpers import copy_project`); conftest.py
holds the pytest fixtures built on it (built_site, site_server, browser, page).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
MANIFEST = "permalinks.lock.json"

# What `mkdocs build` reads: the folders of a project and its configuration.
PROJECT_DIRS = ("content", "docs", "overrides", "templates", "hooks", "plansite")

# One page of each kind the site has: the reader's, and the editor's guide.
PAGE_KINDS = {
    "home": "index.html",
    "section": "muc/II.html",
    "full text": "toan-van.html",
    "documents table": "van-ban/index.html",
    "document": "van-ban/ct-33-ttg.html",
    "units": "don-vi/index.html",
    "unit": "don-vi/thanh-tra-so.html",
    "schedule": "tien-do.html",
    "glossary": "thuat-ngu.html",
    "editor guide": "bien-tap/huong-dan-bien-tap.html",
}
PAGE_TYPES = list(PAGE_KINDS.values())

# The environment of a build: Material's end-of-life banner off; no public
# address or publishing mode leaking in from the shell that runs the tests.
BUILD_ENV = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PLANSITE_PUBLISH")}
BUILD_ENV["NO_MKDOCS_2_WARNING"] = "1"


# -----------------------------------------------------------------------------
# The source text of the real plan (content tests compare the site with it)
# -----------------------------------------------------------------------------

# shared/ sits beside the checkout (as in CI).
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


def source_sentences() -> list[str]:
    """Sentences of the source plan, the PDF footnote cut out of the sentence it interrupts.

    Lines are joined back into paragraphs: a paragraph starts at a bullet, a
    number, a Roman numeral, or after a short line (PDF lines wrap near 80
    characters, so a short line ends its paragraph).
    """
    text = source_text()
    start = text.index("(1) Chỉ thị số 33/CT-TTg")
    end = text.index("trong cơ quan, đơn vị.", start) + len("trong cơ quan, đơn vị.")
    footnote = text[start + len("(1)"): end]
    body = text[:start] + text[end:]
    sentences = []
    for chunk in (body, footnote):
        paragraphs: list[list[str]] = []
        previous = ""
        for line in (ln.strip() for ln in chunk.splitlines()):
            if not line or set(line) <= set("_ "):
                continue
            if (not paragraphs or re.match(r"^(-|\d+\.|[IVX]+\.)\s", line) or len(previous) < 60):
                paragraphs.append([])
            paragraphs[-1].append(line)
            previous = line
        for paragraph in paragraphs:
            flat = " ".join(" ".join(paragraph).split())
            for sentence in re.split(r"(?<=[.:;])\s+", flat):
                sentence = sentence.strip().lstrip("-").strip()
                if sentence:
                    sentences.append(sentence)
    return sentences


# -----------------------------------------------------------------------------
# Text
# -----------------------------------------------------------------------------

def squash(text: str) -> str:
    """`text` without any whitespace: compares wording across line breaks and
    the spaces HTML or a PDF extraction adds or drops.

    >>> squash("Kế hoạch\\n  số 12 ")
    'Kếhoạchsố12'
    """
    return re.sub(r"\s+", "", text)


def one_line(text: str) -> str:
    """`text` with each run of whitespace made one space, trimmed.

    >>> one_line(" Thường\\n xuyên. ")
    'Thường xuyên.'
    """
    return re.sub(r"\s+", " ", text).strip()


def wordings(element: dict) -> list[str]:
    """Every label and text the source prints for the responsibility and the
    timing of a plan.yaml element (a section or block, as loaded by yaml)."""
    out = []
    r = element.get("responsibility") or {}
    for part in (r, r.get("content") or {}, *(r.get(k) for k in ("lead", "implementers", "support"))):
        if isinstance(part, dict):
            out += [part[k] for k in ("label", "text") if part.get(k)]
    t = element.get("timing") or {}
    return out + [t[k] for k in ("label", "text") if t.get(k)]


def edit(path: Path, old: str, new: str) -> str:
    """Edit a file of a copied project, failing unless `old` stands there exactly
    once; returns the new text."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"expected exactly one {old!r} in {path.name}"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


# -----------------------------------------------------------------------------
# A copy of the project, built
# -----------------------------------------------------------------------------

def copy_project(dest: Path, *, dirs: Iterable[str] = PROJECT_DIRS, files: Iterable[str] = ("mkdocs.yml",),
                 content: Path | None = None, checkout_content: Iterable[str] = ("schema", "labels.yaml")) -> Path:
    """The project's build inputs in `dest` (which may exist): the folders
    `dirs` and top-level `files` of this checkout. With `content`, that folder
    (a fixture plan) becomes content/, with the checkout's `checkout_content`
    (the schema and the site's labels) in place of its own."""
    ignore = shutil.ignore_patterns("__pycache__")
    for name in dirs:
        if name != "content" or content is None:
            shutil.copytree(REPO / name, dest / name, ignore=ignore, dirs_exist_ok=True)
    for name in files:
        shutil.copy(REPO / name, dest / name)
    if content is not None:
        keep = tuple(checkout_content)
        shutil.copytree(content, dest / "content", ignore=shutil.ignore_patterns("__pycache__", *keep))
        for name in keep:
            src = REPO / "content" / name
            (shutil.copytree if src.is_dir() else shutil.copy)(src, dest / "content" / name)
    return dest


def mkdocs_build(project: Path = REPO, site: Path | None = None, *args: str, quiet: bool = False,
                 **env: str) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of `project` into `site` (default: project/site),
    output captured; `env` adds to the build's environment."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site or project / "site"), *args]
    if quiet:
        cmd.append("--quiet")
    return subprocess.run(cmd, cwd=project, capture_output=True, text=True, env={**BUILD_ENV, **env})


def built(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """`result` of a build that must have succeeded; its error output otherwise."""
    assert result.returncode == 0, result.stderr[-5000:]
    return result


# -----------------------------------------------------------------------------
# A static HTTP server
# -----------------------------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static file handler without the per-request log lines."""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The browser drops keep-alive connections when a context closes; that is not a failure.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path, handler: type[http.server.SimpleHTTPRequestHandler] = QuietHandler) -> Iterator[str]:
    """Base URL ("http://127.0.0.1:PORT/") of an HTTP server for `directory`, stopped on exit."""
    server = QuietServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, name=f"http-{directory.name}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# -----------------------------------------------------------------------------
# Browser tests: skip loudly, fail in CI
# -----------------------------------------------------------------------------

def no_browser(reason: str, *, module: bool = False) -> None:
    """Skip loudly (the whole module with `module`), or fail when CI demands a
    browser (PLANSITE_REQUIRE_BROWSER=1): CI must never skip browser tests."""
    reason = f"BROWSER TESTS NOT RUN: {reason}"
    if os.environ.get("PLANSITE_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (PLANSITE_REQUIRE_BROWSER=1 makes this an error)", pytrace=False)
    pytest.skip(reason, allow_module_level=module)


def playwright_expect() -> Any:
    """Playwright's `expect`, for a browser-test module to call at import:
    without Playwright the module is skipped (or, in CI, fails)."""
    try:
        from playwright.sync_api import expect
    except ImportError as exc:
        no_browser(f"the playwright Python package is not installed ({exc})", module=True)
    return expect
