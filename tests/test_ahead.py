"""Downloads typeset in another process while the build goes on (plansite.ahead):
the same bytes as typesetting in the build, the build's own failure when the
other process fails, and nothing started without a build cache."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import copy_project
from plansite import ahead, downloads
from plansite.cache import DEFAULT_DIR, DiskCache
from plansite.pdf import cached_pdf
from plansite.site import prepare


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project", dirs=("content", "docs", "templates"), files=())


def _refuse_to_typeset(html, cache):
    """html_to_pdf that takes the PDF from the build cache and refuses to typeset it."""
    hit = cached_pdf(html, cache)
    if hit is None:
        raise RuntimeError("typeset in the build's own process")
    return hit


def _site_bytes(site) -> dict:
    return {**{p: page.markdown for p, page in site.pages.items()}, **site.static}


def test_the_other_process_typesets_and_the_site_is_the_serial_one(project, tmp_path, monkeypatch):
    serial = prepare(project, cache=DiskCache(tmp_path / "serial-cache"))  # not the project's: no process
    assert {d.path for d in serial.downloads if d.format == "pdf"}
    monkeypatch.setattr(downloads, "html_to_pdf", _refuse_to_typeset)  # this process may not typeset now
    started = []
    monkeypatch.setattr(ahead, "fill_cache_process", lambda root: started.append(root) or
                        downloads.fill_cache_process(root))
    parallel = prepare(project)
    assert started == [project]
    assert _site_bytes(parallel) == _site_bytes(serial)
    assert [(d.path, d.data) for d in parallel.downloads] == [(d.path, d.data) for d in serial.downloads]


def test_when_the_other_process_fails_the_build_fails_as_it_would_alone(project, monkeypatch):
    monkeypatch.setattr(ahead, "fill_cache_process", lambda root: subprocess.Popen(
        [sys.executable, "-c", "raise SystemExit(1)"]))
    monkeypatch.setattr(downloads, "html_to_pdf", _refuse_to_typeset)
    with pytest.raises(RuntimeError, match="typeset in the build's own process"):
        prepare(project)


@pytest.mark.parametrize("env", ["PLANSITE_NO_CACHE", "PLANSITE_NO_WORKER"])
def test_nothing_is_started_without_a_cache_or_when_told_not_to(project, monkeypatch, env):
    from plansite.loader import load_content

    monkeypatch.setenv(env, "1")
    content = load_content(project / "content")
    assert downloads.missing(content, project / "templates", DiskCache(project / DEFAULT_DIR))
    started = ahead.start(project, content, DiskCache(project / DEFAULT_DIR))
    assert started.process is None and started.making == ()


def test_missing_names_what_the_cache_lacks(project):
    from plansite.loader import load_content

    content, cache = load_content(project / "content"), DiskCache(project / DEFAULT_DIR)
    lacking = downloads.missing(content, project / "templates", cache)
    assert downloads.fill_cache(project) == 0
    assert set(lacking) == {d.path for d in downloads.build(content, project / "templates", cache)
                            if d.format in ("pdf", "docx")}
    assert downloads.missing(content, project / "templates", cache) == []
