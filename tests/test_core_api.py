"""The public build API (plansite.prepare -> Site) and the MkDocs glue around it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap

import pytest

from helpers import REPO, copy_project
from plansite.paths import EDITOR_HOME, is_editor_page, reader_pages
from plansite.site import mark, markdown_runs, prepare


@pytest.fixture(scope="module")
def site():
    return prepare(REPO)


def test_prepare_computes_pages_static_files_nav_and_backlinks_once(site):
    assert {"index.md", "muc/II.md", "van-ban/ct-33-ttg.md", "giang-vien.md"} <= set(site.pages)
    assert set(site.handwritten) == {p.relative_to(REPO / "docs").as_posix() for p in (REPO / "docs").rglob("*.md")}
    assert "assets/plan-data.js" in site.static and any(p.startswith("qr/") for p in site.static)
    assert site.nav[0] == {site.content.labels["pages"]["home"]: "index.md"}
    # hand-written reader pages close the nav; the editors' pages (docs/bien-tap/) are not in it
    readers = reader_pages(sorted(site.handwritten))
    assert site.nav[len(site.nav) - len(readers):] == readers
    assert EDITOR_HOME in site.handwritten and not any(is_editor_page(p) for p in nav_paths(site.nav))
    # a hand-written page's title is its first heading, not a comment in its front matter
    assert site.handwritten[EDITOR_HOME].title == "Hướng dẫn biên tập"
    # backlinks list reader pages only (the editor's guide cites Chỉ thị 33 too)
    places = [(p.page, p.found.anchor) for p in site.backlinks["ct-33-ttg"]]
    assert places == [("index.md", "can-cu"), ("muc/I.md", "I-2"), ("muc/II.md", "fn-1-p1")]
    assert "33/CT-TTg" in site.handwritten[EDITOR_HOME].prose
    assert site.unresolved == []


def nav_paths(nav) -> list[str]:
    """Every page path of a MkDocs-style nav."""
    out = []
    for entry in nav:
        for value in (entry.values() if isinstance(entry, dict) else [entry]):
            out.extend([value] if isinstance(value, str) else nav_paths(value))
    return out


@pytest.mark.parametrize("markdown,runs", [
    # (Markdown, [(line, heading id, run)]) — what the linker would see as text
    ("# Đảng viên\n\nChỉ thị 33/CT-TTg.\n", [(1, "dang-vien", "Đảng viên"), (3, None, "Chỉ thị 33/CT-TTg.")]),
    ("Số `33/CT-TTg` và 49-CT/TW.\n", [(1, None, "Số "), (1, None, " và 49-CT/TW.")]),
    ("```yaml\nnumber: 33/CT-TTg\n```\nSau.\n", [(4, None, "Sau.")]),
    ("Xem [Chỉ thị 33/CT-TTg](van-ban/ct-33-ttg.md) nhé.\n", [(1, None, "Xem "), (1, None, " nhé.")]),
    ("- một\n- hai 33/CT-TTg\n", [(1, None, "một"), (2, None, "hai 33/CT-TTg")]),
    ("## Tiêu đề {#rieng}\n", [(1, "rieng", "Tiêu đề")]),
    ("Dòng một\ndòng **hai** ba\n", [(1, None, "Dòng một\ndòng "), (2, None, "hai"), (2, None, " ba")]),
])
def test_markdown_runs(markdown, runs):
    assert list(markdown_runs(markdown)) == runs


@pytest.mark.parametrize("markdown,marked", [
    # the generator reads front matter off the top of the file, before Python-Markdown sees the mark
    ("# T\n", "<!-- plansite-page: a.md -->\n# T\n"),
    ("---\nsearch:\n  exclude: true\n---\n# T\n", "---\nsearch:\n  exclude: true\n---\n<!-- plansite-page: a.md -->\n# T\n"),
    ("---\n---\n# T\n", "---\n---\n<!-- plansite-page: a.md -->\n# T\n"),
    ("Đoạn.\n\n---\n\nSau.\n", "<!-- plansite-page: a.md -->\nĐoạn.\n\n---\n\nSau.\n"),  # a rule, not front matter
])
def test_page_mark_goes_after_front_matter(markdown, marked):
    assert mark(markdown, "a.md") == marked


def test_hooks_work_without_installing_the_project(tmp_path):
    """`pip install -r requirements.txt && mkdocs build`: the hooks import the
    checkout's plansite/, not an installed one."""
    copy_project(tmp_path)
    # -S: no site-packages .pth files, so not the editable install of plansite;
    # the packages themselves are put back on the path by hand.
    packages = sysconfig.get_paths()["purelib"]
    probe = f"import sys; sys.path.append({packages!r}); import plansite"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONPATH", None)
    assert subprocess.run([sys.executable, "-S", "-c", probe], cwd="/", env=env,
                          capture_output=True).returncode != 0  # really not importable
    # as the `mkdocs` command runs: the working directory is not on sys.path
    build = (f"import sys; sys.path.remove(''); sys.path.append({packages!r}); from mkdocs.__main__ import cli; "
             f"cli(['build', '--strict', '--quiet'])")
    result = subprocess.run([sys.executable, "-S", "-c", build], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "plan-cite" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_changed_core_code_is_imported_again(tmp_path):
    """`mkdocs serve` keeps its process; after an edit to plansite/ the hooks run the new code."""
    shutil.copytree(REPO / "plansite", tmp_path / "plansite", ignore=shutil.ignore_patterns("__pycache__"))
    script = textwrap.dedent(f"""
        import os, sys, time
        sys.path.insert(0, {str(tmp_path)!r})
        import plansite, plansite.slug
        first = plansite.slug
        assert plansite.forget_if_changed() is False and "plansite.slug" in sys.modules
        path = {str(tmp_path / "plansite" / "slug.py")!r}
        with open(path, "a") as f:
            f.write("EDITED = True\\n")
        later = time.time() + 5
        os.utime(path, (later, later))
        assert plansite.forget_if_changed() is True and "plansite.slug" not in sys.modules
        import plansite.slug
        assert plansite.slug is not first and plansite.slug.EDITED
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.stdout.strip() == "ok", result.stderr


def test_hooks_file_is_glue_only():
    """Each event a few lines; no plan knowledge, no untyped module state."""
    import ast

    tree = ast.parse((REPO / "hooks" / "plansite_hooks.py").read_text(encoding="utf-8"))
    events = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("on_")]
    assert {e.name for e in events} >= {"on_config", "on_files", "on_page_markdown", "on_post_build"}
    for event in events:
        body_lines = event.body[-1].end_lineno - event.body[0].lineno + 1
        assert body_lines <= 12, (event.name, body_lines)
    module_dicts = [n for n in tree.body if isinstance(n, (ast.Assign, ast.AnnAssign))
                    and isinstance(n.value, (ast.Dict, ast.List, ast.Set))]
    assert module_dicts == []


def test_check_search_names_each_page_missing_from_the_index(site, tmp_path):
    pages = sorted(path[: -len(".md")] + ".html" for path in [*site.pages, *site.handwritten])
    # pages whose front matter keeps them out of search are not looked for
    excluded = {"giang-vien.html", "on-tap/index.html", "bien-tap/huong-dan-bien-tap.html"}
    assert excluded <= set(pages)
    items = [{"location": p + "#x", "title": "", "text": ""} for p in pages if p not in {"muc/II.html", *excluded}]
    (tmp_path / "search.json").write_text(json.dumps({"config": {}, "items": items}), encoding="utf-8")
    assert site.check_search(tmp_path) == [
        "muc/II.html: not in the search index — too large for the generator's search? "
        "split the page or exclude it from search"]
    assert site.check_search(tmp_path / "none") == [f"{tmp_path / 'none'}: no search index"]
