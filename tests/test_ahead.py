"""Downloads typeset in another process while the build goes on (plansite.ahead):
the same bytes as typesetting in the build, the build's own failure when the
other process fails, and nothing started without a build cache."""

from __future__ import annotations

import subprocess
import sys

import pytest

from helpers import built, copy_project, mkdocs_build
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


# -----------------------------------------------------------------------------
# Waiting for them only after the generator built the pages (finish_downloads)
# -----------------------------------------------------------------------------

def test_deferred_downloads_show_a_placeholder_until_finished(project, tmp_path, monkeypatch):
    serial = prepare(project, cache=DiskCache(tmp_path / "serial-cache"))
    site = prepare(project, defer_downloads=True)
    pending = [d for d in site.downloads if d.pending]
    assert {d.path for d in pending} == {d.path for d in serial.downloads if d.format in ("pdf", "docx")}
    assert site.ahead is not None and not set(site.static) & {d.path for d in pending}
    data_page = site.pages[downloads.DATA_PAGE].markdown
    assert all(downloads.PENDING_SIZE.format(path=d.path) in data_page for d in pending)
    built = tmp_path / "built"
    (built / "search").mkdir(parents=True)
    (built / "du-lieu.html").write_text(data_page, encoding="utf-8")
    (built / "search" / "search_index.json").write_text(f'{{"text": "{pending[0].size_label}"}}', encoding="utf-8")
    site.finish_downloads(built)
    assert (built / "du-lieu.html").read_text(encoding="utf-8") == serial.pages[downloads.DATA_PAGE].markdown
    first = next(d for d in serial.downloads if d.path == pending[0].path)
    assert (built / "search" / "search_index.json").read_text(encoding="utf-8") == f'{{"text": "{first.size_label}"}}'
    assert all((built / d.path).read_bytes() == d.data for d in serial.downloads if d.format in ("pdf", "docx"))
    assert [(d.path, d.data, d.pending) for d in site.downloads] == [(d.path, d.data, False) for d in serial.downloads]


def test_a_deferred_download_that_fails_fails_the_build(project, tmp_path, monkeypatch):
    monkeypatch.setattr(ahead, "fill_cache_process", lambda root: subprocess.Popen(
        [sys.executable, "-c", "raise SystemExit(1)"]))
    monkeypatch.setattr(downloads, "html_to_pdf", _refuse_to_typeset)
    site = prepare(project, defer_downloads=True)
    with pytest.raises(RuntimeError, match="typeset in the build's own process"):
        site.finish_downloads(tmp_path / "built")


def test_mkdocs_builds_the_same_bytes_with_and_without_the_other_process(tmp_path):
    sites = {}
    for name, env in (("serial", {ahead.NO_WORKER_ENV: "1"}), ("parallel", {})):
        project = copy_project(tmp_path / name, files=("mkdocs.yml", "permalinks.lock.json"))
        built(mkdocs_build(project, tmp_path / f"site-{name}", quiet=True, **env))
        sites[name] = {p.relative_to(tmp_path / f"site-{name}"): p.read_bytes()
                       for p in sorted((tmp_path / f"site-{name}").rglob("*")) if p.is_file()}
    assert sites["parallel"].keys() == sites["serial"].keys()
    differ = [str(p) for p in sites["serial"] if sites["parallel"][p] != sites["serial"][p]]
    assert differ == []
    assert not any(b"plansite-size[" in data for data in sites["parallel"].values())
