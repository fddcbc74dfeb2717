"""The test helpers do what their docstrings say."""

from __future__ import annotations

import doctest
import shutil

import pytest
import yaml

import helpers
from plansite.loader import load_content


def test_helper_doctests():
    result = doctest.testmod(helpers)
    assert result.attempted and not result.failed


def test_copy_project_puts_a_fixture_plan_in_place_of_content(tmp_path):
    fixture = helpers.FIXTURES / "sample_plan"
    project = helpers.copy_project(tmp_path, dirs=("content", "templates"), content=fixture)
    assert (project / "templates" / "macros.j2").is_file() and (project / "mkdocs.yml").is_file()
    for name in ("plan.yaml", "units.yaml"):
        assert (project / "content" / name).read_bytes() == (fixture / name).read_bytes()
    # the site's own labels and schema, not the fixture's
    checkout = helpers.REPO / "content"
    assert (project / "content" / "labels.yaml").read_bytes() == (checkout / "labels.yaml").read_bytes()
    assert sorted(p.name for p in (project / "content" / "schema").iterdir()) == \
        sorted(p.name for p in (checkout / "schema").iterdir())


# -----------------------------------------------------------------------------
# Editing content by structure
# -----------------------------------------------------------------------------

SAMPLE = """\
# a comment that stays
items:
  - id: a
    kind: paragraph
    text: >-
      Một đoạn văn dài được gấp lại trên hai dòng, như biên tập viên vẫn
      viết trong tệp nội dung.
    relations:
      - {type: implements, target: b}
  # the next item
  - id: b
    title: Ngắn
    list: [x, y]
"""


@pytest.mark.parametrize("where,key,value", [
    ("a", "text", "Ngắn."),                          # a folded paragraph becomes one line
    ("b", "title", "Một tiêu đề dài hơn sáu mươi ký tự, để được viết gấp lại trên nhiều dòng."),
    ("b", "title", "a: b # c"),                      # quoted where plain YAML would misread it
    ("b", "title", "15"),                            # text that looks like a number stays text
    ("b", "list", ["x", "z, t"]),
    ("b", "list", None),
    ("b", "added", "Mới"),                           # a missing key is added
    (("items", 0, "relations", 0), "target", "c"),  # in a flow mapping
    (("a", "relations", 0), "type", "based_on"),    # an id, then a path inside it
])
def test_yaml_set_changes_that_value_only(tmp_path, where, key, value):
    path = tmp_path / "f.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    before = yaml.safe_load(SAMPLE)
    helpers.yaml_set(path, where, key, value)
    after = yaml.safe_load(path.read_text(encoding="utf-8"))
    target = helpers._at(before, helpers.yaml_path(before, where))
    target[key] = value
    assert after == before
    assert path.read_text(encoding="utf-8").count("#") == SAMPLE.count("#") + ("#" in str(value))


def test_yaml_insert_and_rename(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    helpers.yaml_insert(path, "b", {"id": "c", "text": "Ba."}, after=True)
    helpers.yaml_insert(path, ("items", 0), "- id: z\n  text: Đầu.\n")
    helpers.yaml_rename(path, "b", "b-moi")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [i["id"] for i in data["items"]] == ["z", "a", "b-moi", "c"]
    assert data["items"][2]["moved_from"] == ["b"]
    assert data["items"][1]["relations"] == [{"type": "implements", "target": "b-moi"}]  # references follow


def test_yaml_delete_removes_a_field_and_its_lines(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    helpers.yaml_delete(path, "a", "text")
    helpers.yaml_delete(path, "a", "relations")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {
        "items": [{"id": "a", "kind": "paragraph"}, {"id": "b", "title": "Ngắn", "list": ["x", "y"]}]}
    assert "# the next item" in path.read_text(encoding="utf-8")


def test_yaml_edits_refuse_what_they_cannot_find(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text(SAMPLE, encoding="utf-8")
    with pytest.raises(AssertionError, match="exactly one element with id 'khong-co'"):
        helpers.yaml_set(path, "khong-co", "text", "x")
    with pytest.raises(AssertionError, match="not an item of a list"):
        helpers.yaml_insert(path, ("items",), {"id": "c"})
    assert path.read_text(encoding="utf-8") == SAMPLE


def test_reword_changes_the_wording_and_keeps_the_content_valid(tmp_path):
    """tests/reword.py: the wording edits that prove code tests do not depend on
    the plan's words (CONTRIBUTING.md, "Tests") leave content that checks."""
    import reword

    assert doctest.testmod(reword).failed == 0
    content = tmp_path / "content"
    shutil.copytree(helpers.REPO / "content", content)
    assert reword.reword(content) > 20
    before = load_content(helpers.REPO / "content")
    after = load_content(content)
    assert [b.id for b in after.plan.walk()] == [b.id for b in before.plan.walk()]
    changed = [b.id for b, old in zip(after.plan.walk(), before.plan.walk()) if b.text != old.text]
    assert len(changed) > 10
    assert all(u.name != old.name for u, old in zip(after.units, before.units))
