"""The test helpers do what their docstrings say."""

from __future__ import annotations

import doctest

import helpers


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
