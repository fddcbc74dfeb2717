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
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

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
# Editing a content file by its structure, never by the real plan's wording
# -----------------------------------------------------------------------------

# Where a value sits in a content file: an element's id ("II-4-p1"), a path
# from the top of the file (("header",), ("documents", 0)), or an id followed
# by a path inside that element (("qd-218-tu", "notes", 0)). A code test that
# changes the real plan finds what it changes this way, so an editor's change
# of wording (a word, a unit's name, a reflowed paragraph) cannot break it.
Where = str | tuple


def yaml_source(path: Path) -> Any:
    """`path` read by the project's own reader (plansite/yamlsource.py): its
    data and the line and column of every key and value."""
    from plansite.yamlsource import load

    source, problems = load(path, path.name)
    assert not problems, [str(p) for p in problems]
    source.text = path.read_text(encoding="utf-8")
    return source


def yaml_path(data: Any, where: Where) -> tuple:
    """The data path `where` names in `data` (see `Where`)."""
    where = (where,) if isinstance(where, str) else tuple(where)
    if not where or not isinstance(where[0], str) or (isinstance(data, dict) and where[0] in data):
        return where
    found = [path for path, value in _walk(data, ()) if isinstance(value, dict) and value.get("id") == where[0]]
    assert len(found) == 1, f"expected exactly one element with id {where[0]!r}, found {len(found)}"
    return found[0] + where[1:]


def _walk(data: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    yield path, data
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from _walk(value, (*path, key))


def _at(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


def yaml_get(path: Path, where: Where, key: str | None = None) -> Any:
    """The value at `where` in the content file `path` (its `key`, if given)."""
    data = yaml_source(path).data
    value = _at(data, yaml_path(data, where))
    return value if key is None else value[key]


def yaml_where(path: Path, where: Where, key: str | None = None) -> tuple[int, int]:
    """Line and column of the value at `where` in `path` (its `key`, if given),
    as the project's messages give them."""
    source = yaml_source(path)
    target = yaml_path(source.data, where)
    return source.values[(*target, key) if key is not None else target]


def yaml_holding(path: Path, text: str, part: str | None = None) -> list[tuple[tuple, str]]:
    """(element path, field) of every text value of `path` (under its top-level
    `part`, if given) that holds `text`, in the order of the file."""
    data = yaml_source(path).data
    found = [(where, key) for where, value in _walk(data[part] if part else data, (part,) if part else ())
             if isinstance(value, dict) for key, v in value.items() if isinstance(v, str) and text in v]
    return sorted(found, key=lambda f: yaml_where(path, *f))


def yaml_set(path: Path, where: Where, key: str, value: Any) -> None:
    """Set `key` of the mapping at `where` to `value` (text, number, null or a
    list), rewriting only the lines of that value; a missing key is added after
    the mapping's first one. Long text is written folded (`>-`), as editors do."""
    source = yaml_source(path)
    target = yaml_path(source.data, where)
    mapping = _at(source.data, target)
    assert isinstance(mapping, dict), f"{where!r} is not a mapping in {path.name}"
    lines = source.text.splitlines(keepends=True)
    if key not in mapping:
        line, column = min(source.keys[(*target, k)] for k in mapping)
        at = _value_end(lines, line - 1, column - 1)
        lines[at:at] = _render(key, value, " " * (column - 1))
    else:
        line, column = source.keys[(*target, key)]
        before = lines[line - 1][:column - 1]
        if before.rstrip().endswith(("{", ",")):  # a flow mapping: {type: implements, target: ct-33-ttg}
            line, column = source.values[(*target, key)]
            token = _FLOW_SCALAR.match(lines[line - 1], column - 1)
            assert token and not isinstance(value, dict | list), f"{where!r}: cannot set {key} ({path.name}:{line})"
            lines[line - 1] = lines[line - 1][:token.start()] + _flow(value) + lines[line - 1][token.end():]
        else:
            lines[line - 1:_value_end(lines, line - 1, column - 1)] = _render(key, value, before)
    path.write_text("".join(lines), encoding="utf-8")
    assert _at(yaml_source(path).data, target)[key] == value, f"{where!r}: {key} was not set in {path.name}"


def yaml_rename(path: Path, old: str, new: str, *, moved_from: bool = True) -> None:
    """Give the element `old` of `path` the id `new` (recording `moved_from:
    [old]` unless told not to), and point this file's references to it
    (`target: old`) at the new id."""
    references = [(where, key) for where, value in _walk(yaml_source(path).data, ()) if isinstance(value, dict)
                  for key in value if key != "id" and value[key] == old]
    if moved_from:
        yaml_set(path, old, "moved_from", [old])
    yaml_set(path, old, "id", new)
    for where, key in references:
        yaml_set(path, where, key, new)


def yaml_delete(path: Path, where: Where, key: str) -> None:
    """Remove `key` (and its value, however many lines) from the block mapping at `where`."""
    source = yaml_source(path)
    target = yaml_path(source.data, where)
    assert key in _at(source.data, target) and len(_at(source.data, target)) > 1, f"{where!r}: cannot remove {key}"
    lines = source.text.splitlines(keepends=True)
    line, column = source.keys[(*target, key)]
    assert not lines[line - 1][:column - 1].strip(" "), f"{where!r}: {key} is not on a line of its own ({path.name})"
    del lines[line - 1:_value_end(lines, line - 1, column - 1)]
    path.write_text("".join(lines), encoding="utf-8")
    assert key not in _at(yaml_source(path).data, target), f"{where!r}: {key} was not removed from {path.name}"


def yaml_insert(path: Path, where: Where, item: dict | str, *, after: bool = False) -> None:
    """Insert `item` into the list holding the element at `where`, before it
    (or after it): a mapping, or the YAML text of one list item ("- id: …")."""
    source = yaml_source(path)
    target = yaml_path(source.data, where)
    assert target and isinstance(target[-1], int), f"{where!r} is not an item of a list in {path.name}"
    lines = source.text.splitlines(keepends=True)
    line, column = source.values[target]
    dash = lines[line - 1].rindex("-", 0, column - 1)
    if not isinstance(item, str):
        item = yaml.safe_dump([item], allow_unicode=True, sort_keys=False, width=72)
    text = [" " * dash + ln if ln.strip() else ln for ln in textwrap.dedent(item).strip("\n").splitlines()]
    at = _value_end(lines, line - 1, dash) if after else line - 1
    lines[at:at] = [ln + "\n" for ln in text]
    path.write_text("".join(lines), encoding="utf-8")
    parent = _at(yaml_source(path).data, target[:-1])
    assert len(parent) == len(_at(source.data, target[:-1])) + 1, f"{where!r}: nothing inserted in {path.name}"


# A scalar inside a flow mapping or list: quoted, or plain up to the next , ] or }.
_FLOW_SCALAR = re.compile(r""" "(?:[^"\\]|\\.)*" | '(?:[^']|'')*' | [^,\]}\n]*[^,\]}\s] """, re.VERBOSE)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _value_end(lines: list[str], start: int, indent: int) -> int:
    """Index of the line after the value whose key (or list dash) stands on
    line `start` at column `indent`: the value goes on while lines are blank or
    more indented (or, for a key, are items of a list at the key's indentation)."""
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and not (_indent(line) > indent or (
                _indent(line) == indent and lines[start][indent] != "-" and line.lstrip().startswith("- "))):
            break
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1  # blank lines and comments after a value belong to what follows
    return end


def _render(key: str, value: Any, first: str) -> list[str]:
    """The lines of `key: value`, the first after `first` (its indentation, or "  - ")."""
    indent = " " * (len(first) + 2)
    if isinstance(value, str) and len(value) > 60 and value == one_line(value):
        wrapped = textwrap.wrap(value, width=max(40, 78 - len(indent)), break_long_words=False, break_on_hyphens=False)
        return [f"{first}{key}: >-\n", *(f"{indent}{ln}\n" for ln in wrapped)]
    return [f"{first}{key}: {_flow(value)}\n"]


def _flow(value: Any) -> str:
    """`value` as YAML on one line: plain where YAML reads it back as the same
    text, as editors write it; quoted otherwise (JSON is YAML)."""
    plain = None
    if isinstance(value, str) and value == value.strip() and "\n" not in value:
        plain = value
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        plain = "[" + ", ".join(map(_flow, value)) + "]"
    with contextlib.suppress(yaml.YAMLError):
        if plain is not None and yaml.safe_load(f"k: {plain}") == {"k": value}:
            return plain
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


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


def open_search(page: Any) -> Any:
    """Material's search input, ready to type in. On phones and tablets it sits
    behind the header's icon. Whether it shows is only known once the page's
    stylesheets are in (right after a navigation it may not show yet, then
    appear over the icon a test was about to click), so wait for the page's load."""
    page.wait_for_load_state("load")
    box = page.locator("input.md-search__input")
    if not box.is_visible():
        page.locator("label.md-header__button[for=__search]").first.click()
    return box
