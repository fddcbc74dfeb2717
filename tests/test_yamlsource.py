"""The fast (libyaml) and the pure-Python reader must agree on data and positions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from plansite import yamlsource

REPO = Path(__file__).resolve().parent.parent
FILES = sorted((REPO / "content").glob("*.yaml")) + sorted((REPO / "tests" / "fixtures").rglob("*.yaml"))

pytestmark = pytest.mark.skipif(yamlsource._FastLoader is None, reason="PyYAML was built without libyaml")


def read(loader, text: str) -> yamlsource.Source:
    source = yamlsource._read(loader, text, "x.yaml")
    assert source is not None
    return source


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_fast_and_pure_readers_agree_on_every_content_file(path):
    text = path.read_text(encoding="utf-8")
    fast, pure = read(yamlsource._FastLoader, text), read(yaml.SafeLoader, text)
    assert fast.data == pure.data
    assert fast.values == pure.values
    assert fast.keys == pure.keys


@pytest.mark.parametrize("text, path, where", [
    # columns count characters, not UTF-8 bytes
    ("tên: Đảng ủy\nđơn_vị: [Sở Tư pháp, Ủy ban]\n", ("đơn_vị", 1), (2, 22)),
    ("a:\n  - b: 'Chỉ thị'\n    c: |\n      dòng\n", (("a", 0, "c")), (3, 8)),
    ("x: \"ngày 26/11/2021\"\ny: 1\n", ("y",), (2, 4)),
])
def test_positions_count_characters(text, path, where):
    assert read(yamlsource._FastLoader, text).values[path] == where
    assert read(yaml.SafeLoader, text).values[path] == where


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n",                 # duplicate key: a problem, so the pure reader reports it
    "a: [1, 2\n",                   # syntax error
    "a: \x07\n",                    # control character
    "d: 2021-02-31\n",              # a date YAML cannot build
])
def test_fast_reader_gives_up_on_anything_wrong(text):
    assert yamlsource._read(yamlsource._FastLoader, text, "x.yaml") is None


def test_load_reports_the_pure_readers_problem(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("a: 1\nb:\n  c: 2\n  c: 3\n", encoding="utf-8")
    _, problems = yamlsource.load(path, "content/bad.yaml")
    assert [(p.file, p.line, p.column) for p in problems] == [("content/bad.yaml", 4, 3)]
    assert "appears twice" in problems[0].message
