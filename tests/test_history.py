"""Currency and history: a throwaway git repository made from the project gets a
sequence of edits, is built with the real hooks, and its pages are read back."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import REPO, yaml_get, yaml_insert, yaml_set
from plansite import history as h
from plansite.errors import ContentError
from plansite.loader import load_content

COPY = ["content", "templates", "hooks", "plansite", "docs", "overrides", "mkdocs.yml", "permalinks.lock.json",
        ".gitignore"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PLANSITE_TODAY": "2022-06-15",
       "GIT_AUTHOR_NAME": "Biên tập", "GIT_AUTHOR_EMAIL": "bt@example.invalid",
       "GIT_COMMITTER_NAME": "Biên tập", "GIT_COMMITTER_EMAIL": "bt@example.invalid",
       "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}


@pytest.fixture(scope="module")
def content():
    return load_content(REPO / "content")


@pytest.fixture(scope="module")
def labels(content):
    return content.labels


# -----------------------------------------------------------------------------
# Word diff, element diff, status (table-style)
# -----------------------------------------------------------------------------

@pytest.mark.parametrize("old,new,deleted,inserted", [
    ("tiếp công dân thường xuyên", "tiếp công dân định kỳ", ["thường xuyên"], ["định kỳ"]),
    ("Thanh tra Sở", "Thanh tra Sở.", [], ["."]),
    (None, "15", [], ["15"]),
    ("a <b> c", "a c", ["<b> "], []),
])
def test_word_diff_marks_words_with_ins_del_and_text_labels(labels, old, new, deleted, inserted):
    html = str(h.word_diff(old, new, labels))
    soup = BeautifulSoup(html, "html.parser")
    hidden = labels["history"]["diff"]
    assert [d.get_text().removeprefix(hidden["deleted_start"]).removesuffix(hidden["end"])
            for d in soup.find_all("del")] == deleted
    assert [i.get_text().removeprefix(hidden["inserted_start"]).removesuffix(hidden["end"])
            for i in soup.find_all("ins")] == inserted
    for tag in soup.find_all(["ins", "del"]):  # a text label, not colour alone
        assert tag.select_one(".plan-visually-hidden")
    assert "<b>" not in html  # content is escaped


def test_word_diff_shortens_long_unchanged_text(labels):
    words = " ".join(f"w{i}" for i in range(100))
    html = str(h.word_diff(words + " cũ", words + " mới", labels))
    assert "w0 " not in html and "w99" in html and "…" in html


COMMIT = h.Commit("a" * 40, dt.date(2026, 1, 2), "Edit")


def el(key, fields, moved=(), kind="paragraph"):
    return h.Element(key, kind, key.split(":")[1], (("section", "II"),), key.split(":")[1], tuple(fields),
                     tuple(moved))


def test_rename_with_moved_from_is_one_change_not_delete_and_add():
    old = {"plan:p2": el("plan:p2", [("text", "x")])}
    new = {"plan:p2-new": el("plan:p2-new", [("text", "x")], moved=["p2"])}
    changes = h.diff(old, new, COMMIT)
    assert [(c.kind, c.element.ident, c.old_ident) for c in changes] == [(h.Kind.RENAMED, "p2-new", "p2")]


@pytest.mark.parametrize("before,after,action", [
    ([("number", None)], [("number", "15")], "fill"),
    ([], [("notes:n1", "ghi chú")], "add"),
    ([("text", "a")], [("text", "b")], "edit"),
    ([("text", "a")], [("text", None)], "remove"),
])
def test_field_actions(before, after, action):
    [change] = h.field_changes(el("plan:x", before), el("plan:x", after))
    assert change.action == action


@pytest.mark.parametrize("today,state", [
    (dt.date(2021, 12, 31), "upcoming"),
    (dt.date(2022, 1, 1), "current"),
    (dt.date(2022, 12, 31), "current"),
    (dt.date(2023, 1, 1), "expired"),
])
def test_status_from_the_year_in_the_subject(content, today, state):
    status = h.plan_status(content, today)
    assert (status.state, status.year, status.basis) == (state, 2022, "subject")
    assert "2022" in status.text(content.labels)


def test_status_prefers_the_header_date_and_is_unknown_without_a_year(content):
    plan = content.plan
    dated = dataclasses.replace(plan.header, date=h.m.WrittenDate("10/01/2023", dt.date(2023, 1, 10)))
    status = h.plan_status(dataclasses.replace(content, plan=dataclasses.replace(plan, header=dated)),
                           dt.date(2023, 3, 1))
    assert (status.state, status.year, status.basis) == ("current", 2023, "header_date")
    undated = dataclasses.replace(plan.header, subject="Triển khai thực hiện công tác dân vận")
    doc = dataclasses.replace(content.document(plan.document), title="Kế hoạch", subject="Công tác dân vận")
    blank = dataclasses.replace(content, plan=dataclasses.replace(plan, header=undated),
                                documents=tuple(doc if d.id == doc.id else d for d in content.documents))
    assert h.plan_status(blank, dt.date(2023, 3, 1)).state == "unknown"


# `where` may name a field of content/ as {file:id:key}: a label, a number or a
# name the editor may reword, read from the content rather than copied here.
@pytest.mark.parametrize("key,where,href", [
    ("header", "Phần đầu văn bản", "index.html"),
    ("plan:note-header", "Phần đầu văn bản, Ghi chú biên tập", "index.html#note-header"),
    ("plan:II", "Mục II", "muc/II.html#II"),
    ("plan:II-4", "II.4", "muc/II.html#II-4"),
    ("plan:II-4-p1", "II.4, đoạn 1", "muc/II.html#II-4-p1"),
    ("plan:II-4-dv", "II.4, {plan:II-4-dv:label}", "muc/II.html#II-4-dv"),
    ("plan:can-cu", "Phần căn cứ, đoạn 1", "index.html#can-cu"),
    ("plan:fn-1-p2", "chú thích (1), đoạn 2", "muc/II.html#fn-1-p2"),
    ("plan:nn-3", "Nơi nhận, đoạn 3", "index.html#nn-3"),
    ("document:qd-218-tu", "Văn bản {documents:qd-218-tu:number}", "van-ban/qd-218-tu.html"),
    ("unit:thanh-tra-so", "Đơn vị {units:thanh-tra-so:name}", "don-vi/thanh-tra-so.html"),
])
def test_elements_are_named_by_place_and_linked_to_where_they_are_now(content, key, where, href):
    element = h.read_history(REPO).elements[key]
    where = re.sub(r"\{(\w+):([\w-]+):(\w+)\}",
                   lambda m: yaml_get(REPO / "content" / f"{m[1]}.yaml", m[2], m[3]), where)
    assert h.where_text(element, content.labels) == where
    assert h.current_href(element, content, h.HISTORY) == href


def test_today_is_injectable(monkeypatch):
    monkeypatch.setenv("PLANSITE_TODAY", "2022-03-04")
    assert h.build_date() == dt.date(2022, 3, 4)
    assert h.build_date(dt.date(2020, 1, 1)) == dt.date(2020, 1, 1)


# -----------------------------------------------------------------------------
# content/changes.yaml
# -----------------------------------------------------------------------------

@pytest.mark.parametrize("entry,line,message", [
    ("- {element: II-4-p1, type: typo}", 2, "not allowed"),
    ("- {element: II-4-p1, type: amendment}", 2, "document"),
    ("- {element: II-4-p1, type: amendment, document: qd-999}", 2, "document 'qd-999' is not registered"),
    ("- {element: II-4-p9, type: correction}", 2, "element 'II-4-p9' does not exist"),
    ("- {type: correction}", 2, "neither a commit nor an element"),
    ("- {commit: XYZ, type: correction}", 2, "invalid value"),
    ("- {commit: 1a2b3c4}", 2, "neither what the change is nor why"),
    # a short hash of only digits is a YAML number: the editor is told to quote it
    ("- {commit: 1234567, reason: Sửa lỗi.}", 2, "should be text, not a number"),
])
def test_bad_changes_are_reported_with_file_and_line(tmp_path, content, entry, line, message):
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "content" / "changes.yaml").write_text("changes:\n" + entry + "\n", encoding="utf-8")
    with pytest.raises(ContentError) as exc:
        h.load_changes(tmp_path / "content", content, display_root=tmp_path)
    [problem] = exc.value.problems
    assert (problem.file, problem.line) == ("content/changes.yaml", line)
    assert message in problem.message


def test_the_projects_changes_file_is_valid(content):
    assert isinstance(h.load_changes(REPO / "content", content), tuple)


# -----------------------------------------------------------------------------
# A throwaway repository with a sequence of edits, built with the real hooks
# -----------------------------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=ENV, check=True, capture_output=True,
                          text=True).stdout.strip()


def commit(repo: Path, message: str, day: str) -> str:
    env = {**ENV, "GIT_AUTHOR_DATE": f"{day}T10:00:00+07:00", "GIT_COMMITTER_DATE": f"{day}T10:00:00+07:00"}
    subprocess.run(["git", "add", "-A"], cwd=repo, env=env, check=True)
    subprocess.run(["git", "commit", "-q", "-m", message], cwd=repo, env=env, check=True)
    return git(repo, "rev-parse", "HEAD")


def build(repo: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
                          cwd=repo, env=ENV, capture_output=True, text=True)


def new_task(number: str) -> dict:
    """Task II.<number>, assigned to the Văn phòng Sở."""
    ident = f"II-{number}"
    return {"id": ident, "kind": "task", "number": number, "title": "Tổng kết công tác dân vận năm 2022.",
            "blocks": [{"id": f"{ident}-p1", "kind": "paragraph",
                        "text": "Báo cáo kết quả thực hiện Kế hoạch về Văn phòng Sở."}],
            "responsibility": {"id": f"{ident}-dv", "label": "Đơn vị thực hiện", "text": "Văn phòng Sở.",
                               "lead": ["van-phong-so"]},
            "timing": {"id": f"{ident}-tg", "label": "Thời gian thực hiện", "text": "Thường xuyên.",
                       "kinds": ["recurring"]}}


NEW_DOCUMENT = {"id": "cv-999-ubnd", "kind": "cong-van", "number": "999/UBND-VX", "date": "05/5/2026",
                "issuer": None, "subject": "Về việc sửa đổi Kế hoạch công tác dân vận"}
NEW_WORD = "đột xuất"


def replace_a_word(text: str, word: str) -> tuple[str, str]:
    """`text` with the first word of letters only from its middle on replaced
    by `word`, and the word replaced (whatever the editor's wording)."""
    words = text.split(" ")
    i = next(i for i in range(len(words) // 2, len(words)) if words[i].isalpha() and words[i] not in word.split())
    return " ".join([*words[:i], word, *words[i + 1:]]), words[i]


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> dict:
    """The project copied into a new repository, then edited commit by commit."""
    root = tmp_path_factory.mktemp("repo")
    for name in COPY:
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    git(root, "init", "-q", "-b", "main")
    shas = {"initial": commit(root, "First publication", "2026-01-10")}
    plan, docs = root / "content" / "plan.yaml", root / "content" / "documents.yaml"
    # The edits find what they change by id, never by the plan's wording.
    # 1. one word of a paragraph, recorded as a correction of the transcription
    text, replaced = replace_a_word(yaml_get(plan, "II-4-p1", "text"), NEW_WORD)
    yaml_set(plan, "II-4-p1", "text", text)
    (root / "content" / "changes.yaml").write_text(
        f"changes:\n  - element: II-4-p1\n    type: correction\n    reason: Bản gốc ghi “{NEW_WORD}”.\n",
        encoding="utf-8")
    shas["word"] = commit(root, "Fix a word in II.4 against the source", "2026-02-01")
    # 2. a task added after the last one of section II
    blocks = yaml_get(plan, "II", "blocks")
    task = str(sum(b["kind"] == "task" for b in blocks) + 1)
    yaml_insert(plan, blocks[-1]["id"], new_task(task), after=True)
    shas["task"] = commit(root, f"Add task II.{task}", "2026-03-01")
    # 3. an id renamed with moved_from
    yaml_set(plan, "II-5-p2", "moved_from", ["II-5-p2"])
    yaml_set(plan, "II-5-p2", "id", "II-5-tham-muu")
    shas["rename"] = commit(root, "Give II.5's second paragraph a descriptive id", "2026-04-01")
    # 4. a document added, and a note on an existing one
    yaml_insert(docs, ("documents", 0), NEW_DOCUMENT)
    yaml_insert(docs, ("qd-218-tu", "notes", 0), {"id": "qd-218-tu-n3", "text": "Ghi chú mới về văn bản này."})
    shas["document"] = commit(root, "Register Công văn 999/UBND-VX", "2026-05-01")
    # 5. the header's number filled in; the office records that the rename of
    #    step 3 was an amendment by the document of step 4
    yaml_set(plan, ("header",), "number", "15")
    with (root / "content" / "changes.yaml").open("a", encoding="utf-8") as f:
        f.write(f"  - commit: \"{shas['rename'][:7]}\"\n    type: amendment\n    document: cv-999-ubnd\n"
                f"    reason: Đổi theo công văn của UBND tỉnh.\n"
                f"  - commit: \"{shas['task'][:7]}\"\n    reason: Bổ sung nhiệm vụ tổng kết.\n")
    shas["header"] = commit(root, "Fill in the plan's number", "2026-06-01")
    site = tmp_path_factory.mktemp("site")
    done = build(root, site)
    assert done.returncode == 0, done.stderr
    return {"root": root, "site": site, "shas": shas, "replaced": replaced, "task": task,
            "qd-218-tu": yaml_get(docs, "qd-218-tu", "number")}


def page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def rows(site: Path, sha: str) -> list[str]:
    html = page(site, "lich-su.html")
    heading = html.find(id=f"lich-su-{sha[:7]}")
    assert heading is not None, f"no version {sha[:7]} on the history page"
    changes = heading.find_next("ul", class_="plan-history-changes")
    return [" ".join(li.get_text().split()) for li in changes.find_all("li", recursive=False)]


def row(site: Path, sha: str, where: str):
    li = [li for li in page(site, "lich-su.html").select("li.plan-history-change")
          if li["id"].startswith(f"lich-su-{sha[:7]}-") and li.select_one(".plan-history-where").get_text(strip=True)
          == where]
    assert len(li) == 1, [x.get_text() for x in li]
    return li[0]


def test_history_lists_the_word_change_as_a_correction_with_a_word_diff(repo):
    li = row(repo["site"], repo["shas"]["word"], "II.4, đoạn 1")
    text = " ".join(li.get_text(" ", strip=True).split())
    assert "sửa lời văn" in text
    assert li.select_one(".plan-history-type").get_text() == "Sửa lỗi số hóa"
    assert f"— Bản gốc ghi “{NEW_WORD}”." in text  # the element's own reason
    assert [d.get_text() for d in li.select("del")] == [f"[xóa: {repo['replaced']}]"]
    assert [i.get_text() for i in li.select("ins")] == [f"[thêm: {NEW_WORD}]"]
    assert li.select_one(".plan-history-where a")["href"] == "muc/II.html#II-4-p1"
    reason = page(repo["site"], "lich-su.html").find(id=f"lich-su-{repo['shas']['word'][:7]}") \
        .find_next("p", class_="plan-history-reason")
    assert "Fix a word in II.4 against the source" in reason.get_text()


def test_history_lists_the_added_task(repo):
    reason = page(repo["site"], "lich-su.html").find(id=f"lich-su-{repo['shas']['task'][:7]}") \
        .find_next("p", class_="plan-history-reason")
    assert reason.get_text(" ", strip=True) == "Lý do: Bổ sung nhiệm vụ tổng kết."  # changes.yaml, not the commit
    task = repo["task"]
    texts = rows(repo["site"], repo["shas"]["task"])
    assert texts == [f"II.{task}: thêm mới"], texts  # one row for the task, not one per part of it
    assert row(repo["site"], repo["shas"]["task"], f"II.{task}").select_one("a")["href"] == f"muc/II.html#II-{task}"


def test_a_renamed_id_is_followed_not_deleted_and_added(repo):
    texts = rows(repo["site"], repo["shas"]["rename"])
    assert texts == ["II.5, đoạn 2: đổi mã (trước đây II-5-p2) Sửa đổi, bổ sung theo Công văn 999/UBND-VX"], texts
    reason = page(repo["site"], "lich-su.html").find(id=f"lich-su-{repo['shas']['rename'][:7]}") \
        .find_next("p", class_="plan-history-reason")
    assert reason.get_text(" ", strip=True) == "Lý do: Đổi theo công văn của UBND tỉnh."
    assert row(repo["site"], repo["shas"]["rename"], "II.5, đoạn 2").select_one("a")["href"] \
        == "muc/II.html#II-5-tham-muu"


def test_history_lists_the_new_document_and_the_new_note(repo):
    texts = rows(repo["site"], repo["shas"]["document"])
    assert "Văn bản 999/UBND-VX: thêm mới" in texts
    assert any(t.startswith(f"Văn bản {repo['qd-218-tu']}: thêm ghi chú") for t in texts), texts
    assert row(repo["site"], repo["shas"]["document"], "Văn bản 999/UBND-VX").select_one("a")["href"] \
        == "van-ban/cv-999-ubnd.html"


def test_history_lists_the_filled_in_header_number(repo):
    li = row(repo["site"], repo["shas"]["header"], "Phần đầu văn bản")
    assert "điền số văn bản" in li.get_text()
    assert [i.get_text() for i in li.select("ins")] == ["[thêm: 15]"]


def test_history_is_newest_first_and_the_first_publication_is_summarised(repo):
    html = page(repo["site"], "lich-su.html")
    order = [x["id"] for x in html.select("h2[id^=lich-su-]")]
    shas = repo["shas"]
    assert order == [f"lich-su-{shas[k][:7]}" for k in ("header", "document", "rename", "task", "word", "initial")]
    assert "Công bố lần đầu" in html.find(id=f"lich-su-{shas['initial'][:7]}").find_next("p", class_=None).get_text() \
        or "Công bố lần đầu" in html.get_text()


def test_changed_elements_carry_a_mark_linking_to_their_history_entry(repo):
    html = page(repo["site"], "muc/II.html")
    shas = repo["shas"]
    mark = html.find(id="II-4-p1").select_one("a.plan-changed")
    assert mark.get_text(strip=True) == "đã sửa ngày 01/02/2026"
    assert mark["href"] == f"../lich-su.html#lich-su-{shas['word'][:7]}-plan-II-4-p1"
    assert page(repo["site"], "lich-su.html").find(id=f"lich-su-{shas['word'][:7]}-plan-II-4-p1")
    renamed = html.find(id="II-5-tham-muu").select_one("a.plan-changed")
    assert renamed.get_text(strip=True) == "đã sửa ngày 01/04/2026"
    # new and untouched elements carry none
    for ident in (f"II-{repo['task']}-p1", "II-5-p1", "II-1-a"):
        assert html.find(id=ident).select_one("a.plan-changed") is None, ident
    assert page(repo["site"], "muc/I.html").select("a.plan-changed") == []
    # marks and the currency line stay out of the search index (and so out of results' excerpts)
    index = (repo["site"] / "search" / "search_index.json").read_text(encoding="utf-8")
    for text in ("đã sửa ngày", "da sua ngay", "Cập nhật lần cuối", "cap nhat lan cuoi"):
        assert text not in index


def currency(site: Path, path: str) -> str:
    return page(site, path).select_one("article .plan-currency time")["datetime"]


@pytest.mark.parametrize("path,day", [
    ("muc/I.html", "2026-01-10"),           # untouched since the first publication
    ("muc/III.html", "2026-01-10"),
    ("muc/II.html", "2026-04-01"),           # the renamed paragraph (and not the note on a cited document)
    ("don-vi/van-phong-so.html", "2026-03-01"),  # the new task is assigned to it
    ("tien-do.html", "2026-03-01"),           # the new task; it shows tasks, not their paragraphs
    ("van-ban/qd-218-tu.html", "2026-05-01"),
    ("van-ban/cv-999-ubnd.html", "2026-05-01"),
    ("van-ban/ct-33-ttg.html", "2026-01-10"),
    ("index.html", "2026-06-01"),            # shows the header
    ("toan-van.html", "2026-06-01"),
])
def test_last_updated_is_the_last_change_of_what_the_page_shows(repo, path, day):
    assert currency(repo["site"], path) == day


def test_every_page_states_currency_and_status(repo):
    for html_file in repo["site"].rglob("*.html"):
        rel = html_file.relative_to(repo["site"]).as_posix()
        if rel.startswith(("k/", "404")) or "http-equiv=\"refresh\"" in html_file.read_text(encoding="utf-8"):
            continue
        line = page(repo["site"], rel).select_one("article .plan-currency")
        assert line is not None, rel
        assert "Cập nhật lần cuối" in line.get_text() and "đang thực hiện" in line.get_text(), rel


def test_the_footer_shows_the_published_version(repo):
    head = repo["shas"]["header"]
    for path in ("index.html", "muc/II.html", "lich-su.html"):
        footer = page(repo["site"], path).select_one("footer .plan-footer-version").get_text(strip=True)
        assert footer == f"Phiên bản 01/06/2026 ({head[:7]})"


def test_the_history_page_is_in_the_navigation(repo):
    nav = page(repo["site"], "index.html").select("nav.md-nav--primary a.md-nav__link")
    assert "lich-su.html" in [a.get("href") for a in nav]


def test_the_version_is_available_to_downloads(repo):
    version = h.published_version(repo["root"])
    assert (version.commit, version.date, version.dirty) == (repo["shas"]["header"], dt.date(2026, 6, 1), False)


# -----------------------------------------------------------------------------
# Where git history is missing: shallow clone, export without git
# -----------------------------------------------------------------------------

def test_a_shallow_clone_builds_and_says_the_history_is_unavailable(repo, tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo['root']}", str(clone)], env=ENV, check=True)
    done = build(clone, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    history = page(tmp_path / "site", "lich-su.html")
    assert "bản sao rút gọn" in history.select_one(".plan-history-unavailable").get_text()
    assert "chưa rõ" in page(tmp_path / "site", "muc/II.html").select_one(".plan-currency").get_text()
    assert page(tmp_path / "site", "muc/II.html").select("a.plan-changed") == []
    footer = page(tmp_path / "site", "index.html").select_one(".plan-footer-version").get_text(strip=True)
    assert repo["shas"]["header"][:7] in footer


def test_history_entries_are_not_locked_in_the_permalink_manifest(repo):
    """They exist only where the build has the history: a shallow clone must pass the manifest check."""
    from plansite.permalinks import scan_site

    anchors = scan_site(repo["site"])["lich-su.html"]
    assert [a for a in anchors if a.startswith("lich-su-")] == []
    assert page(repo["site"], "lich-su.html").select("[id^=lich-su-]")


def test_an_export_without_git_builds_and_says_the_history_is_unavailable(repo, tmp_path):
    export = tmp_path / "export"
    shutil.copytree(repo["root"], export, ignore=shutil.ignore_patterns(".git"))
    done = build(export, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    text = page(tmp_path / "site", "lich-su.html").select_one(".plan-history-unavailable").get_text()
    assert "không có lịch sử phiên bản" in text
    assert "chưa rõ" in page(tmp_path / "site", "index.html").select_one(".plan-footer-version").get_text()


def test_uncommitted_edits_show_as_a_draft(repo, tmp_path):
    work = tmp_path / "work"
    shutil.copytree(repo["root"], work)
    plan = work / "content" / "plan.yaml"
    yaml_set(plan, "II-4-dv", "text", yaml_get(plan, "II-4-dv", "text") + ".")
    history = h.read_history(work)
    assert history.version.dirty
    last = history.versions[-1]
    assert last.commit.sha == h.DRAFT
    assert [(c.element.ident, [f.name for f in c.fields]) for c in last.changes] == [("II-4-dv", ["text"])]


def test_content_added_after_the_first_commit(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "content" / "plan.yaml").rename(tmp_path / "plan.yaml")
    git(tmp_path, "init", "-q", "-b", "main")
    commit(tmp_path, "Registries first", "2026-01-01")
    (tmp_path / "plan.yaml").rename(tmp_path / "content" / "plan.yaml")
    commit(tmp_path, "Then the plan", "2026-01-02")
    history = h.read_history(tmp_path)
    assert [(v.commit.subject, v.first) for v in history.versions] == [("Registries first", True),
                                                                       ("Then the plan", False)]
    assert all(c.kind is h.Kind.ADDED for c in history.versions[1].changes)


def test_history_reads_are_cached_per_file_version(repo, tmp_path):
    from plansite.cache import DiskCache

    h._MEMO.clear()
    cache = DiskCache(tmp_path / "cache")
    first = h.read_history(repo["root"], cache=cache)
    stored = len(list((tmp_path / "cache" / "history").iterdir()))
    assert stored >= 5
    h._MEMO.clear()
    second = h.read_history(repo["root"], cache=cache)
    assert len(list((tmp_path / "cache" / "history").iterdir())) == stored
    assert [len(v.changes) for v in first.versions] == [len(v.changes) for v in second.versions]


def test_check_command_validates_the_changes_file(tmp_path):
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "content" / "changes.yaml").write_text("changes:\n  - {element: nowhere, type: correction}\n",
                                                       encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "plansite", "check"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1
    assert "content/changes.yaml:2" in done.stderr and "nowhere" in done.stderr
    assert "Traceback" not in done.stderr


# -----------------------------------------------------------------------------
# In a browser, at phone width
# -----------------------------------------------------------------------------

@pytest.mark.browser
@pytest.mark.parametrize("width", [320, 414])
def test_history_and_marks_fit_a_phone_and_the_mark_lands_on_the_entry(repo, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 740}, locale="vi-VN")
    try:
        tab = context.new_page()
        for path in ("lich-su.html", "muc/II.html"):
            tab.goto((repo["site"] / path).as_uri())
            overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways at {width}px"
        mark = tab.locator("#II-4-p1 a.plan-changed")
        assert mark.is_visible()
        mark.click()
        entry = f"lich-su-{repo['shas']['word'][:7]}-plan-II-4-p1"
        tab.wait_for_url(re.compile(rf"lich-su\.html#{entry}$"))
        assert tab.locator(f"#{entry} del").first.is_visible()
        assert tab.locator(f"#{entry}").evaluate("e => e.getBoundingClientRect().top") < 740
    finally:
        context.close()


# -----------------------------------------------------------------------------
# Quality gates on pages with real changes (the project's own history has none yet)
# -----------------------------------------------------------------------------

CHANGED_PAGES = ["lich-su.html", "muc/II.html", "index.html"]


def test_pages_with_changes_are_valid_html(repo):
    from test_quality import VNU, _vnu_allowed

    java = shutil.which("java")
    if java is None:
        pytest.skip("java is not installed (the Nu Html Checker needs it)")
    run = subprocess.run([java, "-jar", str(VNU), "--format", "json", "--errors-only", "--stdout", *CHANGED_PAGES],
                         cwd=repo["site"], capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stdout)["messages"]
    problems = [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages
                if m["type"] in ("error", "non-document-error") and not _vnu_allowed(m["message"], m.get("extract", ""))]
    assert problems == []


@pytest.mark.browser
def test_pages_with_changes_pass_axe(repo, browser):
    from test_quality import AXE, AXE_TAGS, _axe_allowed

    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN",
                                  bypass_csp=True)  # axe is injected inline, which the site's CSP blocks
    problems = []
    try:
        tab = context.new_page()
        for path in CHANGED_PAGES:
            tab.goto((repo["site"] / path).as_uri(), wait_until="load")
            tab.add_script_tag(path=str(AXE))
            result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                                  "resultTypes: ['violations']})", AXE_TAGS)
            problems += [f"{path}: {v['id']} at {n['target']}: {n['html'][:120]}" for v in result["violations"]
                         for n in v["nodes"] if not _axe_allowed(v["id"], " >>> ".join(map(str, n["target"])))]
    finally:
        context.close()
    assert problems == []
