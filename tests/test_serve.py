"""The live preview: a real `mkdocs serve` shows a saved change of content/plan.yaml,
and the hooks move MkDocs' file watching from polling to the native observer.

How fast is for the benchmark (bench/run.py, serve latency), never asserted here.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.livereload import LiveReloadServer
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from helpers import REPO, copy_project

sys.path.insert(0, str(REPO / "bench"))
import run as bench  # noqa: E402  (bench/run.py: the serve latency benchmark's helpers, shared)


def _hooks():
    """The hooks' helper for the preview's file watching, loaded as MkDocs loads the hooks
    (their folder on sys.path only meanwhile)."""
    spec = importlib.util.spec_from_file_location("native_watch_under_test", REPO / "hooks" / "native_watch.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_hooks_load_as_mkdocs_loads_them(tmp_path):
    """plansite_hooks.py imports its helper from its own folder, which MkDocs puts on sys.path."""
    from mkdocs.config import load_config

    (tmp_path / "docs").mkdir()
    hooks = REPO / "hooks" / "plansite_hooks.py"
    (tmp_path / "mkdocs.yml").write_text(f"site_name: x\nhooks:\n  - {hooks}\n", encoding="utf-8")
    config = load_config(str(tmp_path / "mkdocs.yml"))
    loaded = [p for p in config.plugins.values() if getattr(p, "on_serve", None)]
    assert [p.watch_natively.__module__ for p in loaded] == ["native_watch"]


def _pdf_text(url: str, path: Path) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            path.write_bytes(r.read())
    except OSError:
        return ""
    run = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True)
    return run.stdout if run.returncode == 0 else ""


# -----------------------------------------------------------------------------
# MkDocs' watching, as the hook relies on it (fails loudly when MkDocs changes)
# -----------------------------------------------------------------------------

@pytest.fixture
def server(tmp_path):
    """MkDocs' live-reload server as `mkdocs serve` makes it (never started here)."""
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    yield server
    server.server_close()


def _config(tmp_path: Path) -> SimpleNamespace:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    return SimpleNamespace(docs_dir=str(tmp_path / "docs"), config_file_path=str(tmp_path / "mkdocs.yml"),
                           theme=SimpleNamespace(dirs=[str(tmp_path / "theme")]), watch=[str(tmp_path / "content")])


def test_mkdocs_watches_by_polling_at_server_observer(server, tmp_path):
    """What watch_natively replaces: if this fails, MkDocs changed how serve watches files."""
    assert isinstance(server.observer, PollingObserver)
    server.watch(str(tmp_path))
    assert len(server.observer.emitters) == 1
    server.unwatch(str(tmp_path))
    assert not server.observer.emitters


def test_the_hook_moves_the_watches_to_the_native_observer(server, tmp_path):
    config = _config(tmp_path)
    server.watch(config.docs_dir)
    server.watch(config.config_file_path)
    polling = server.observer
    _hooks().watch_natively(server, config)
    assert not polling.emitters
    assert isinstance(server.observer, Observer) and not isinstance(server.observer, PollingObserver)
    watched = [Path(e.watch.path) for e in server.observer.emitters]  # a file is watched through its folder
    for path in (config.docs_dir, config.config_file_path):
        assert any(Path(path).is_relative_to(w) for w in watched), (path, watched)
    server.watch(str(tmp_path / "content"))  # mkdocs.yml's `watch:` comes after on_serve: native too
    assert not polling.emitters


def test_an_unknown_watch_keeps_polling_and_says_so(server, tmp_path, caplog):
    config = _config(tmp_path)
    server.watch(config.docs_dir)
    server.watch(str(tmp_path))  # something MkDocs watched that the hook does not know of
    polling = server.observer
    with caplog.at_level(logging.WARNING):
        _hooks().watch_natively(server, config)
    assert server.observer is polling and len(polling.emitters) == 2
    assert "keeps polling" in caplog.text


def test_when_the_native_observer_cannot_start_the_preview_keeps_polling(server, tmp_path, caplog, monkeypatch):
    from watchdog.observers import Observer as Native

    def refuse(self):
        raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(Native, "start", refuse)
    config = _config(tmp_path)
    server.watch(config.docs_dir)
    polling = server.observer
    with caplog.at_level(logging.WARNING):
        _hooks().watch_natively(server, config)
    assert server.observer is polling and len(polling.emitters) == 1
    assert "inotify watch limit reached" in caplog.text and "keeps polling" in caplog.text


def test_a_server_without_a_polling_observer_is_left_alone_with_a_warning(server, tmp_path, caplog):
    config = _config(tmp_path)
    server.observer = object()
    with caplog.at_level(logging.WARNING):
        _hooks().watch_natively(server, config)
    assert "live-reload server changed" in caplog.text


# -----------------------------------------------------------------------------
# Downloads made after the preview (downloads.build's `stale`, downloads.fill_cache)
# -----------------------------------------------------------------------------

def test_a_preview_keeps_earlier_downloads_only_until_they_are_made(tmp_path):
    from plansite import downloads
    from plansite.cache import DEFAULT_DIR, DiskCache
    from plansite.loader import load_content

    project = tmp_path / "project"
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, project / name)
    done = tmp_path / "done"
    assert downloads.fill_cache(project, done) == 0 and done.read_text(encoding="utf-8") == "ok"
    content, templates = load_content(project / "content"), project / "templates"
    made = downloads.build(content, templates, DiskCache(project / DEFAULT_DIR))  # all from the cache now
    earlier = {d.path: b"earlier " + d.path.encode() for d in made}

    kept = downloads.build(content, templates, DiskCache(project / DEFAULT_DIR), stale=earlier)
    assert [(d.path, d.data, d.stale) for d in kept] == [(d.path, d.data, False) for d in made]

    kept = downloads.build(content, templates, DiskCache(tmp_path / "empty"), stale=earlier)
    typeset = {d.path for d in made if d.format in ("pdf", "docx")}
    assert typeset and {d.path for d in kept if d.stale} == typeset
    assert all(d.data == earlier[d.path] for d in kept if d.stale)
    assert [(d.path, d.data) for d in kept if not d.stale] == [(d.path, d.data) for d in made
                                                                if d.path not in typeset]


def test_the_background_maker_reports_a_failure(tmp_path):
    from plansite import downloads

    project = tmp_path / "project"
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, project / name)
    (project / "content" / "plan.yaml").write_text("plan: [unclosed\n", encoding="utf-8")
    done = tmp_path / "done"
    assert downloads.fill_cache(project, done) == 1
    assert done.read_text(encoding="utf-8").startswith("ContentError")


# -----------------------------------------------------------------------------
# A real preview
# -----------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("pdftotext") is None and not os.environ.get("PLANSITE_REQUIRE_BROWSER"),
                    reason="pdftotext (Debian poppler-utils, which .ci/run installs) reads the PDF")
def test_mkdocs_serve_shows_a_saved_change_of_the_plan(tmp_path):
    project = tmp_path / "project"
    copy_project(project, files=("mkdocs.yml", "permalinks.lock.json"))
    port = bench.free_port()
    base = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SITE_URL", None)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr",
                                 f"127.0.0.1:{port}"], cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 300
        while (page := bench.fetch(base + "toan-van.html")) is None:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")[-3000:]
            time.sleep(0.3)
        marker = "mocxemtruoc"
        assert marker not in page
        plan = project / "content" / "plan.yaml"
        source = plan.read_text(encoding="utf-8")
        plan.write_text(bench.insert_marker(source, marker), encoding="utf-8")
        deadline = time.monotonic() + 300
        while not ((page := bench.fetch(base + "toan-van.html")) and marker in page):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")[-3000:]
            time.sleep(0.2)
        text = log.read_text(encoding="utf-8")
        assert "instead of polling" in text, text[-3000:]
        # The plan's PDF is typeset again in another process; the preview then serves the new one.
        pdf = base + re.search(r'href="([^"]+\.pdf)"', page).group(1)
        assert "in the background" in text, text[-3000:]
        deadline = time.monotonic() + 300
        while marker not in _pdf_text(pdf, tmp_path / "plan.pdf"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")[-3000:]
            time.sleep(0.5)
        time.sleep(5)  # a build that set off another (the build reading its own watched files) would loop
        text = log.read_text(encoding="utf-8")
        assert text.count("Detected file changes") == 2, text[-3000:]  # the save, and the downloads made
        assert "Traceback" not in text, text[-3000:]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(autouse=True)
def _plugin_logger_propagates():
    """The hooks log through MkDocs' plugin logger; caplog needs it to reach the root logger."""
    logger = logging.getLogger("mkdocs.plugins")
    before = logger.propagate
    logger.propagate = True
    yield
    logger.propagate = before
