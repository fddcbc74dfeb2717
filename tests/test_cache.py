"""The build cache: keyed by every input, never changes what is built."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO, copy_project
from plansite import cache as cache_module, loader, permalinks
from plansite.cache import NO_CACHE, DiskCache, key
from plansite.errors import ContentError
from plansite.loader import load_content

SITE_URL = "https://example.org/ke-hoach/"


# -----------------------------------------------------------------------------
# DiskCache
# -----------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    (("ab", "c"), ("a", "bc")),      # parts are length-prefixed
    (("x",), ("x", "")),
    (("x", b"y"), ("x", b"z")),
])
def test_keys_of_different_inputs_differ(a, b):
    assert key(*a) != key(*b)
    assert key(*a) == key(*a)


def test_put_then_get_round_trips_and_misses_are_none(tmp_path):
    cache = DiskCache(tmp_path / "c")
    assert cache.get("ns", "k") is None
    cache.put("ns", "k", b"data")
    assert cache.get("ns", "k") == b"data"
    assert [p.name for p in (tmp_path / "c" / "ns").iterdir()] == ["k"]  # no temporary files left


def test_no_folder_or_the_environment_switch_means_no_cache(tmp_path, monkeypatch):
    assert not NO_CACHE and NO_CACHE.get("ns", "k") is None
    NO_CACHE.put("ns", "k", b"x")  # a no-op, not an error
    monkeypatch.setenv("PLANSITE_NO_CACHE", "1")
    cache = DiskCache(tmp_path)
    assert not cache
    cache.put("ns", "k", b"x")
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_is_only_slower(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = DiskCache(blocker)
    cache.put("ns", "k", b"x")  # cannot mkdir under a file: silently skipped
    assert cache.get("ns", "k") is None


# -----------------------------------------------------------------------------
# What the core caches
# -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def content():
    return load_content(REPO / "content")


def test_qr_codes_come_from_the_cache_once_made(content, tmp_path):
    cache = DiskCache(tmp_path)
    first = permalinks.static_files(content, SITE_URL, cache)
    assert first == permalinks.static_files(content, SITE_URL)  # same files as without a cache
    stored = sorted((tmp_path / "qr").iterdir())
    assert len(stored) == sum(1 for path in first if path.endswith(".svg"))
    for path in stored:  # prove the second build reads them: mark every entry
        path.write_text(path.read_text(encoding="utf-8").replace("<svg", "<svg data-cached=\"1\"", 1),
                        encoding="utf-8")
    second = permalinks.static_files(content, SITE_URL, cache)
    svgs = [data for path, data in second.items() if path.endswith(".svg")]
    assert svgs and all('data-cached="1"' in data for data in svgs)


def test_a_new_site_url_makes_new_qr_codes(content, tmp_path):
    cache = DiskCache(tmp_path)
    permalinks.static_files(content, SITE_URL, cache)
    before = set((tmp_path / "qr").iterdir())
    other = permalinks.static_files(content, "https://other.example/", cache)
    assert len(set((tmp_path / "qr").iterdir()) - before) == len(before)
    assert other == permalinks.static_files(content, "https://other.example/")


def copy_content(dest: Path) -> Path:
    shutil.copytree(REPO / "content", dest)
    return dest


def test_schema_check_is_skipped_only_for_bytes_that_passed_it(tmp_path, monkeypatch):
    content_dir = copy_content(tmp_path / "content")
    cache = DiskCache(tmp_path / "cache")
    load_content(content_dir, cache=cache)
    assert len(list((tmp_path / "cache" / "schema-ok").iterdir())) == len(loader.FILES)

    calls = []
    real = loader._check_schema
    monkeypatch.setattr(loader, "_check_schema", lambda *a: calls.append(a[1].name) or real(*a))
    load_content(content_dir, cache=cache)
    assert calls == []  # nothing changed: no file checked again

    units = content_dir / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace("units:", "units:\n  - bogus: 1", 1),
                     encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_dir, cache=cache)
    assert calls == ["units.schema.json"]
    assert "content/units.yaml" in caught.value.report()


def test_an_edit_of_comments_only_keeps_the_schema_verdict(tmp_path, monkeypatch):
    content_dir = copy_content(tmp_path / "content")
    cache = DiskCache(tmp_path / "cache")
    load_content(content_dir, cache=cache)
    calls = []
    real = loader._check_schema
    monkeypatch.setattr(loader, "_check_schema", lambda *a: calls.append(a[1].name) or real(*a))
    plan = content_dir / "plan.yaml"
    plan.write_text("# a comment\n" + plan.read_text(encoding="utf-8") + "\n# another\n", encoding="utf-8")
    load_content(content_dir, cache=cache)
    assert calls == []  # the same data: the same verdict
    plan.write_text(re.sub(r"(text: >-\n\s+)", r"\1mới ", plan.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")  # a word more in a text
    load_content(content_dir, cache=cache)
    assert calls == ["plan.schema.json"]


def test_a_changed_schema_checks_the_file_again(tmp_path, monkeypatch):
    content_dir = copy_content(tmp_path / "content")
    cache = DiskCache(tmp_path / "cache")
    load_content(content_dir, cache=cache)
    schema = content_dir / "schema" / "glossary.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    calls = []
    real = loader._check_schema
    monkeypatch.setattr(loader, "_check_schema", lambda *a: calls.append(a[1].name) or real(*a))
    load_content(content_dir, cache=cache)
    assert calls == ["glossary.schema.json"]


# -----------------------------------------------------------------------------
# The real build
# -----------------------------------------------------------------------------

def _build(project: Path, site: Path, **env) -> None:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
                   cwd=project, check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env})


def _files(site: Path) -> dict[str, bytes]:
    # sitemap.xml.gz holds a gzip timestamp; everything else must match byte for byte
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.name != "sitemap.xml.gz"}


def test_a_build_from_the_cache_is_byte_identical_to_an_uncached_one(tmp_path):
    project = tmp_path / "project"
    copy_project(project, files=("mkdocs.yml", "permalinks.lock.json"))
    _build(project, tmp_path / "cold", PLANSITE_NO_CACHE="1")
    assert not (project / ".cache").exists()
    _build(project, tmp_path / "fill")
    _build(project, tmp_path / "warm")
    assert {p.name for p in (project / ".cache" / "plansite").iterdir()} == {
        "docx", "history", "jinja", "jinja-official", "pdf", "qr", "schema-ok", "schema-valid"}
    cold, warm = _files(tmp_path / "cold"), _files(tmp_path / "warm")
    assert sorted(cold) == sorted(warm)
    assert [name for name in cold if cold[name] != warm[name]] == []


# -----------------------------------------------------------------------------
# The code that makes an entry is part of its key (CI keeps the cache across commits)
# -----------------------------------------------------------------------------

def _changed_code(monkeypatch, module_file: str) -> None:
    """Pretend the module that makes the entries was edited since they were stored."""
    real = cache_module.code_version
    monkeypatch.setattr(sys.modules[loader.__name__], "code_version",
                        lambda f: real(f) + "-edited" if f == module_file else real(f))
    monkeypatch.setattr(sys.modules[permalinks.__name__], "code_version",
                        lambda f: real(f) + "-edited" if f == module_file else real(f))


def test_changed_checking_code_checks_every_file_again(tmp_path, monkeypatch):
    content_dir = copy_content(tmp_path / "content")
    cache = DiskCache(tmp_path / "cache")
    load_content(content_dir, cache=cache)
    _changed_code(monkeypatch, loader.__file__)
    calls = []
    real = loader._check_schema
    monkeypatch.setattr(loader, "_check_schema", lambda *a: calls.append(a[1].name) or real(*a))
    load_content(content_dir, cache=cache)
    assert sorted(calls) == sorted(f"{name}.schema.json" for name in loader.FILES)


def test_changed_qr_code_makes_new_qr_codes(content, tmp_path, monkeypatch):
    cache = DiskCache(tmp_path)
    permalinks.static_files(content, SITE_URL, cache)
    before = set((tmp_path / "qr").iterdir())
    _changed_code(monkeypatch, permalinks.__file__)
    permalinks.static_files(content, SITE_URL, cache)
    assert len(set((tmp_path / "qr").iterdir()) - before) == len(before)


# -----------------------------------------------------------------------------
# A schema file's own check is remembered only when it passed
# -----------------------------------------------------------------------------

def test_a_schema_found_valid_is_not_checked_again_and_an_invalid_one_always_is(tmp_path, monkeypatch):
    import jsonschema

    from plansite import schemacache

    calls = []
    real = jsonschema.Draft202012Validator.check_schema
    monkeypatch.setattr(jsonschema.Draft202012Validator, "check_schema",
                        classmethod(lambda cls, s: (calls.append(s), real(s))[1]))
    schemacache.forget()
    schemacache.use(DiskCache(tmp_path))
    good, bad = {"type": "object"}, {"type": 5}
    schemacache.check_schema(good, json.dumps(good))
    schemacache.check_schema(good, json.dumps(good))
    assert calls == [good]
    schemacache.forget()  # a new process: the verdict comes from the disk cache
    schemacache.check_schema(good, json.dumps(good))
    assert calls == [good]
    for _ in range(2):
        with pytest.raises(jsonschema.SchemaError):
            schemacache.check_schema(bad, json.dumps(bad))
    assert calls == [good, bad, bad]
    schemacache.use(NO_CACHE)
    schemacache.forget()
