"""Downloads typeset and QR codes encoded in another process while the build goes on
(plansite.ahead): the same bytes as making them in the build, the build's own
failure when the other process fails, and nothing started without a build cache.

This process is forbidden to typeset or encode (`_refuse`) wherever the other
process must have done it; where a test needs the files to be still missing
when the build looks, the other process waits until the test opens its gate."""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys

import pytest

from helpers import REPO, built, copy_project, mkdocs_build
from plansite import ahead, downloads, model as m, pdf, permalinks, site as core
from plansite.cache import DEFAULT_DIR, DiskCache
from plansite.paths import FULL_TEXT
from plansite.pdf import cached_pdf
from plansite.site import BuildRefused, prepare, prepare_build

SITE_URL = "https://example.org/ke-hoach/"  # in every QR code: the other process must use the build's
WORKER = ahead.worker_process  # the real ones, for tests that replace them
QR_SVG = permalinks.qr_svg


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project", dirs=("content", "docs", "templates"), files=())


@pytest.fixture(scope="module")
def serial(tmp_path_factory):
    """The site made entirely in this process (a cache that is not the project's starts nothing)."""
    tmp = tmp_path_factory.mktemp("serial")
    project = copy_project(tmp / "project", dirs=("content", "docs", "templates"), files=())
    return prepare(project, SITE_URL, cache=DiskCache(tmp / "serial-cache"))


def _refuse(monkeypatch, qr: bool = True) -> None:
    """This process takes PDFs (and QR codes) from the build cache only: making one raises."""
    def pdf(html, cache):
        hit = cached_pdf(html, cache)
        if hit is None:
            raise RuntimeError("typeset in the build's own process")
        return hit

    def refuse_qr(url, title):
        raise RuntimeError("QR code encoded in the build's own process")

    monkeypatch.setattr(downloads, "html_to_pdf", pdf)
    if qr:
        monkeypatch.setattr(permalinks, "qr_svg", refuse_qr)


def _failing(root):
    return subprocess.Popen([sys.executable, "-c", "raise SystemExit(1)"])


def _recorded(monkeypatch) -> list:
    """Record the processes started (which fail at once)."""
    started: list = []
    monkeypatch.setattr(ahead, "worker_process", lambda root: started.append(root) or _failing(root))
    return started


class _Gated:
    """`ahead.worker_process` whose process starts making only once `open` is called
    (until then the build finds nothing of its work in the cache)."""

    def __init__(self, folder):
        self.gate, self.started = folder / "gate", []

    def __call__(self, root):
        code = ("import os, sys, time; from pathlib import Path; from plansite import ahead\n"
                "def wait(warm_up=ahead._warm_up):\n"
                f"    while not os.path.exists({str(self.gate)!r}): time.sleep(0.01)\n"
                "    warm_up()\n"
                f"ahead._warm_up = wait; ahead.work(Path({str(root)!r}), sys.stdin.buffer)")
        process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, stdin=subprocess.PIPE)
        self.started.append(process)
        return process

    def open(self):
        self.gate.touch()

    def running(self) -> list[subprocess.Popen]:
        return [p for p in self.started if p.poll() is None]


@pytest.fixture
def gated(tmp_path, monkeypatch):
    """`_Gated` as `ahead.worker_process`; whatever a failed test left running is ended."""
    gate = _Gated(tmp_path)
    monkeypatch.setattr(ahead, "worker_process", gate)
    yield gate
    gate.open()
    for process in gate.running():
        process.kill()
    for process in gate.started:
        process.wait()
        if process.stdin is not None:
            process.stdin.close()


def _fill(project) -> None:
    """The project's build cache filled as the other process fills it, but in this process."""
    from plansite.loader import load_content

    ahead.make(project, load_content(project / "content"), SITE_URL)


def _site_bytes(site) -> dict:
    return {**{p: page.markdown for p, page in site.pages.items()}, **site.static}


def _qr_paths(site) -> set[str]:
    return {p for p in site.static if p.startswith(permalinks.QR_DIR + "/")}


def test_the_other_process_makes_them_and_the_site_is_the_serial_one(project, serial, monkeypatch):
    assert {d.path for d in serial.downloads if d.format == "pdf"} and _qr_paths(serial)
    _refuse(monkeypatch)  # this process may not typeset nor encode now
    started = []
    monkeypatch.setattr(ahead, "worker_process", lambda root: started.append(root) or WORKER(root))
    parallel = prepare(project, SITE_URL)
    assert started == [project]
    assert _site_bytes(parallel) == _site_bytes(serial)
    assert [(d.path, d.data) for d in parallel.downloads] == [(d.path, d.data) for d in serial.downloads]


def test_when_the_other_process_fails_the_build_fails_as_it_would_alone(project, monkeypatch):
    monkeypatch.setattr(ahead, "worker_process", _failing)
    _refuse(monkeypatch)
    with pytest.raises(RuntimeError, match="typeset in the build's own process"):
        prepare(project, SITE_URL)


@pytest.mark.parametrize("env", ["PLANSITE_NO_CACHE", "PLANSITE_NO_WORKER"])
def test_nothing_is_started_without_a_cache_or_when_told_not_to(project, monkeypatch, env):
    monkeypatch.setenv(env, "1")
    cache = DiskCache(project / DEFAULT_DIR)
    assert ahead.start_early(project, cache).process is None and not ahead.may_start(project, cache)
    started = _recorded(monkeypatch)
    site = prepare(project, SITE_URL, defer_downloads=True)  # everything made in this process
    assert started == [] and site.ahead is None and not site.pending_qr
    assert not any(d.pending for d in site.downloads)


def test_after_an_edit_a_process_starts_only_for_a_download_the_cache_lacks(project, monkeypatch):
    _fill(project)
    started = _recorded(monkeypatch)
    _refuse(monkeypatch)
    site = prepare(project, SITE_URL, defer_downloads=True)
    assert started == [] and site.ahead is None  # everything in the cache: no process at all
    plan_pdf = next(d for d in site.downloads if d.page == FULL_TEXT and d.format == "pdf")
    entry, = [f for f in (project / DEFAULT_DIR / pdf.NAMESPACE).iterdir() if f.read_bytes() == plan_pdf.data]
    entry.unlink()  # as if the plan's text had been edited
    site = prepare(project, SITE_URL, defer_downloads=True)
    assert started == [project] and [d.path for d in site.downloads if d.pending] == [plan_pdf.path]
    site.ahead.stop()


def test_a_process_started_early_is_stopped_when_the_cache_holds_everything(project, gated, monkeypatch):
    _fill(project)
    monkeypatch.setattr(ahead, "_has_entries", lambda cache, namespace: False)  # as if the cache were empty
    gate = gated
    _refuse(monkeypatch)
    try:
        site = prepare(project, SITE_URL, defer_downloads=True)
        assert [p.poll() is not None for p in gate.started] == [True]  # ended, not left to run on
    finally:
        gate.open()
    assert not site.pending_qr and not any(d.pending for d in site.downloads)


def test_the_other_process_makes_everything_the_build_takes_from_the_cache(project, serial, monkeypatch):
    _fill(project)
    monkeypatch.setenv(ahead.NO_WORKER_ENV, "1")
    _refuse(monkeypatch)
    assert _site_bytes(prepare(project, SITE_URL)) == _site_bytes(serial)


def test_a_process_that_ends_before_reading_leaves_the_work_to_the_build(project, serial, monkeypatch):
    """Its standard input is a pipe nobody reads any more: sending breaks it (BrokenPipeError)."""
    ended = []

    def dead(root):
        process = subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE)
        process.wait()  # ended before the build sends anything
        ended.append(process)
        return process

    monkeypatch.setattr(ahead, "worker_process", dead)
    site = prepare(project, SITE_URL, defer_downloads=True)
    assert len(ended) == 1 and site.ahead is None and not site.pending_qr
    assert [(d.path, d.data, d.pending) for d in site.downloads] == [(d.path, d.data, False) for d in serial.downloads]


def test_content_that_cannot_be_sent_is_made_by_the_build(project, serial, gated, monkeypatch):
    dump = pickle.dump

    def unpicklable(obj, file, *args, **kwargs):
        if isinstance(obj, tuple) and obj and isinstance(obj[0], m.Content):
            raise pickle.PicklingError("Can't pickle <function <lambda>>")
        return dump(obj, file, *args, **kwargs)

    monkeypatch.setattr(ahead.pickle, "dump", unpicklable)
    site = prepare(project, SITE_URL, defer_downloads=True)
    assert len(gated.started) == 1 and gated.running() == [] and site.ahead is None
    assert [(d.path, d.data, d.pending) for d in site.downloads] == [(d.path, d.data, False) for d in serial.downloads]


# -----------------------------------------------------------------------------
# A build that fails leaves nothing running
# -----------------------------------------------------------------------------

def test_a_refused_build_leaves_no_process_running(project, gated):
    with pytest.raises(BuildRefused, match="use_directory_urls must be false"):
        prepare_build(project, SITE_URL, command="build", use_directory_urls=True)
    assert len(gated.started) == 1 and gated.running() == []


def test_a_build_failing_after_the_content_loaded_leaves_no_process_running(project, gated):
    (project / "docs" / downloads.DATA_PAGE).write_text("# Dữ liệu\n", encoding="utf-8")
    with pytest.raises(core.ConfigError, match="clashes with a generated page"):
        prepare(project, SITE_URL, defer_downloads=True)
    assert len(gated.started) == 1 and gated.running() == []


def test_a_generator_failing_after_the_hooks_prepared_the_site_leaves_no_process_running(tmp_path, gated,
                                                                                          monkeypatch):
    """MkDocs fails between on_config and on_post_build: on_build_error stops the process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    project = copy_project(tmp_path / "project", files=("mkdocs.yml",))

    def fail(site, markdown, path):
        raise RuntimeError("a page failed")

    monkeypatch.setattr(core.Site, "mark", fail)
    monkeypatch.chdir(project)
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    with pytest.raises(RuntimeError, match="a page failed"):
        build(config)
    assert len(gated.started) == 1 and gated.running() == []


def test_a_write_cut_short_is_not_an_entry(tmp_path):
    cache = DiskCache(tmp_path / DEFAULT_DIR)
    folder = tmp_path / DEFAULT_DIR / pdf.NAMESPACE
    folder.mkdir(parents=True)
    (folder / ".tmp-x1y2z3").write_bytes(b"%PDF-1.7 cut short")  # the build was stopped while writing
    assert not ahead._has_entries(cache, pdf.NAMESPACE)
    cache.put(pdf.NAMESPACE, "entry", b"%PDF-1.7")
    assert ahead._has_entries(cache, pdf.NAMESPACE)


# -----------------------------------------------------------------------------
# Waiting for them only after the generator built the pages (finish_downloads)
# -----------------------------------------------------------------------------

def test_deferred_files_are_made_after_the_pages(project, serial, tmp_path, gated, monkeypatch):
    gate = gated  # a failure below leaves no process running (the fixture ends it)
    _refuse(monkeypatch)
    try:
        site = prepare(project, SITE_URL, defer_downloads=True)
    finally:
        gate.open()
    # While the other process typesets, this one encodes the QR codes still missing.
    monkeypatch.setattr(permalinks, "qr_svg", QR_SVG)
    pending = [d for d in site.downloads if d.pending]
    assert {d.path for d in pending} == {d.path for d in serial.downloads if d.format in ("pdf", "docx")}
    assert set(site.pending_qr) == _qr_paths(serial) and not _qr_paths(site)
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
    assert {p: (built / p).read_text(encoding="utf-8") for p in _qr_paths(serial)} == \
           {p: serial.static[p] for p in _qr_paths(serial)}
    assert [(d.path, d.data, d.pending) for d in site.downloads] == [(d.path, d.data, False) for d in serial.downloads]
    assert site.static == serial.static and site.pending_qr == {}


@pytest.mark.parametrize(("left", "refused"), [("pdf", "typeset"), ("qr", "QR code")])
def test_a_deferred_file_that_fails_fails_the_build(project, tmp_path, monkeypatch, left, refused):
    _fill(project)
    shutil.rmtree(project / DEFAULT_DIR / left)  # only these are left to make, and the other process fails
    monkeypatch.setattr(ahead, "worker_process", _failing)
    _refuse(monkeypatch)
    site = prepare(project, SITE_URL, defer_downloads=True)
    with pytest.raises(RuntimeError, match=f"{refused} .*in the build's own process"):
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
