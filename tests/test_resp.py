"""Who does what, by when: on every view, for the real plan and every fixture.

Each plan (the real content and the fictional plans in tests/fixtures) is
built with the real hooks (`mkdocs build --strict`), and the built HTML is
checked against the plan's YAML: every wording of every responsibility and
timing appears on the element's section page, on the page of every unit it
names (and of every member of a group it names) and on Tiến độ; elements are
named by hierarchical numbers; no "None", no raw ids.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

import helpers
from helpers import REPO, built, copy_project, mkdocs_build, one_line, squash

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PLANS = {"real": REPO / "content", "sample_plan": FIXTURES / "sample_plan",
         "lettered_plan": FIXTURES / "lettered_plan", "agency_plan": FIXTURES / "agency_plan"}


def build_plan(content: Path, dest: Path) -> Path:
    """A project whose content/ is `content` (the site's own schema and labels), built strictly;
    returns the site folder."""
    copy_project(dest, dirs=("templates", "hooks", "plansite", "overrides", "docs/assets"), content=content)
    built(mkdocs_build(dest))  # the docs/ of the fixtures: assets only (they cite none of the guide's documents)
    return dest / "site"


@pytest.fixture(scope="module", params=list(PLANS))
def plan_site(request, tmp_path_factory, built_site):
    name = request.param
    site = built_site if name == "real" else build_plan(PLANS[name], tmp_path_factory.mktemp(name))
    return name, PLANS[name], site


def article_text(site: Path, page: str) -> str:
    html = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    return one_line(html.select_one("article.md-content__inner").get_text(" "))


def load(content: Path, name: str) -> dict:
    return yaml.safe_load((content / name).read_text(encoding="utf-8"))


def elements(plan: dict):
    """(section id, element) for each section and each block, in order."""
    def walk(blocks):
        for b in blocks:
            yield b
            yield from walk(b.get("blocks", []))

    for section in plan["sections"]:
        yield section["id"], section
        for b in walk(section["blocks"]):
            yield section["id"], b


def wordings(element: dict) -> list[str]:
    """Every label and text the source prints for an element's responsibility and timing."""
    return [one_line(w) for w in helpers.wordings(element)]


def units_of(element: dict) -> list[str]:
    r = element.get("responsibility") or {}
    out = []
    for k in ("lead", "implementers", "support"):
        v = r.get(k, [])
        out += v if isinstance(v, list) else v["units"]
    return out


# -----------------------------------------------------------------------------
# Every wording on the section page, the unit pages and Tiến độ
# -----------------------------------------------------------------------------

def test_every_wording_on_section_unit_pages_and_schedule(plan_site):
    name, content, site = plan_site
    plan = load(content, "plan.yaml")
    units = {u["id"]: u for u in load(content, "units.yaml")["units"]}
    members = {u["id"]: u.get("members", []) for u in units.values()}
    schedule = squash(article_text(site, "tien-do.html"))
    checked = 0
    for section_id, el in elements(plan):
        words = wordings(el)
        if not words:
            continue
        section_page = squash(article_text(site, f"muc/{section_id}.html"))
        for w in words:
            assert squash(w) in section_page, (name, el["id"], w)
            assert squash(w) in schedule, (name, el["id"], w, "Tiến độ")
            checked += 1
        for unit in units_of(el):
            for u in [unit, *members.get(unit, [])]:
                page = squash(article_text(site, f"don-vi/{u}.html"))
                for w in words:
                    assert squash(w) in page, (name, el["id"], u, w)
    assert checked >= 4


def test_no_none_and_no_raw_ids_on_any_view(plan_site):
    name, content, site = plan_site
    pages = ["index.html", "tien-do.html", "don-vi/index.html",
             *(p.relative_to(site).as_posix() for p in (site / "muc").glob("*.html")),
             *(p.relative_to(site).as_posix() for p in (site / "don-vi").glob("*.html"))]
    for page in pages:
        text = article_text(site, page)
        assert not re.search(r"\bNone\b", text), (name, page)
    html = BeautifulSoup((site / "don-vi" / "index.html").read_text(encoding="utf-8"), "html.parser")
    heads = [one_line(th.get_text(" ")) for th in html.select("table.plan-matrix thead th:not(.plan-matrix-corner)")]
    plan = load(content, "plan.yaml")
    ids = {el["id"] for _, el in elements(plan)}
    sections = {s["number"] for s in plan["sections"]}
    for head in heads:
        assert head.split()[0] not in ids or head.split()[0] in sections, (name, head)
        assert head.split(".")[0].split(" ")[0] in sections, (name, head)  # starts with its section's number


# -----------------------------------------------------------------------------
# The fixtures: numbering, letters, partial dates, groups, requests
# -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lettered(tmp_path_factory) -> Path:
    return build_plan(PLANS["lettered_plan"], tmp_path_factory.mktemp("lettered"))


def test_lettered_fields_keep_letters_labels_and_order(lettered):
    html = BeautifulSoup((lettered / "muc" / "II.html").read_text(encoding="utf-8"), "html.parser")
    box = html.find(id="II-1-2").find_next("dl", class_="plan-meta")
    rows = [squash(div.get_text()) for div in box.select("div.plan-meta-row")]
    assert rows[0].startswith(squash("a) Nội dung thực hiện:"))
    assert rows[1].startswith(squash("b) Cơ quan chủ trì: Sở Nội vụ"))
    assert rows[2].startswith(squash("c) Cơ quan phối hợp: Các sở, ban, ngành; Ủy ban nhân dân các xã, phường."))
    assert rows[3] == squash("d) Thời gian thực hiện: Hoàn thành trong năm 2025.")
    # a) b) bullets keep their letters
    assert one_line(html.find(id="II-2-2-b").get_text(" ")).startswith("b) Tổ chức hội nghị")


def test_partial_dates_are_never_completed_and_sort_by_year(lettered):
    text = article_text(lettered, "tien-do.html")
    assert "31/12/2025" not in text and "1/12/2025" not in text
    html = BeautifulSoup((lettered / "tien-do.html").read_text(encoding="utf-8"), "html.parser")
    section = html.find(id="deadline")
    years = [h.get_text(" ") for h in html.select("h3") if h.get("id", "").startswith("deadline-")]
    assert [one_line(y).split(" ¶")[0] for y in years] == ["Năm 2025"]
    entries = [one_line(li.select_one(".plan-number").get_text())
               for li in section.find_next("ul", class_="plan-schedule").select("li.plan-schedule-entry")]
    # 10/12/2025 before "12/2025" (the whole month) before "2025" (the whole year)
    assert entries == ["III.1", "II.1.1", "II.1.2"]


def test_hierarchical_numbers_for_subtasks_bullets_and_groups(lettered):
    text = article_text(lettered, "don-vi/so-tu-phap.html")
    for number in ("II.1.1", "II.2.2.b", "III.1", "II.2.3 (gạch đầu dòng 3)"):
        assert number in text, number
    shared = article_text(lettered, "don-vi/van-phong-ubnd.html")
    assert "II.2.3 (gạch đầu dòng 1–2)" in shared  # the group of two bullets
    assert "Giai đoạn 2026 - 2030 và những năm tiếp theo." in shared


def test_request_is_told_apart_from_assignment(lettered):
    text = article_text(lettered, "don-vi/mttq-tinh.html")
    assert "Đề nghị (phối hợp)" in text
    assert "Đề nghị" in article_text(lettered, "muc/III.html")


def test_per_document_timing_links_the_document(lettered):
    html = BeautifulSoup((lettered / "muc" / "II.html").read_text(encoding="utf-8"), "html.parser")
    dd = html.find(id="II-2-2-b-tg").find_next("dd")
    assert "Theo kế hoạch công tác tư pháp hằng năm." in dd.get_text()
    assert dd.select_one("a.plan-doc-ref")["href"].endswith("van-ban/kh-tu-phap-hang-nam.html")


@pytest.fixture(scope="module")
def agency(tmp_path_factory) -> Path:
    return build_plan(PLANS["agency_plan"], tmp_path_factory.mktemp("agency"))


def test_agency_plan_headed_duties_inherit_to_members_and_show_untimed(agency):
    text = article_text(agency, "don-vi/ubnd-huyen-a.html")
    assert "Nhiệm vụ chung" in text and "II.4 Ủy ban nhân dân các huyện, thị xã, thành phố" in text
    schedule = article_text(agency, "tien-do.html")
    assert "Không ghi thời gian" in schedule
    assert "II.3 Công an tỉnh" in schedule
    assert "II.1 (gạch đầu dòng 2)" in schedule and "Tháng 02/2026." in schedule
    assert "Văn bản không ghi đơn vị thực hiện." in schedule  # IV-1: timing, no unit
    funding = article_text(agency, "muc/III.html")
    assert funding.startswith("III. KINH PHÍ") and "Kinh phí" in funding.split("KINH PHÍ", 1)[1]


# -----------------------------------------------------------------------------
# Bad input of the new shapes: located, with a fix
# -----------------------------------------------------------------------------

from plansite.errors import ContentError  # noqa: E402
from plansite.loader import load_content  # noqa: E402

# (file, element, {field: new value}, message, fix): each damage found by id,
# whatever the plan's wording.
BAD = [
    ("plan.yaml", "III-c-tg", {"kinds": ["deadline"]}, "timing of kind 'deadline' has no deadline", "add deadline:"),
    ("plan.yaml", "III-c-tg", {"deadline": "13/2025"}, "'13/2025' is not a real date", "m/yyyy"),
    ("plan.yaml", "III-c-tg", {"kinds": ["per_document"]}, "timing of kind 'per_document' has no document",
     "add document:"),
    ("plan.yaml", "III-c-tg", {"kinds": ["annual"], "day_month": "31/2"}, "'31/2' is not a real day", "15/11"),
    ("plan.yaml", "III-c-tg", {"kinds": ["per_document"], "document": "khong-co"},
     "document 'khong-co' does not exist", "documents.yaml"),
    ("plan.yaml", "III-a", {"kind": "group"}, "a group has no text or title of its own", "kind: bullet"),
    ("plan.yaml", "III-b-dv", {"implementers": {"label": "Đơn vị", "units": []}}, "responsibility names no unit",
     "add lead:"),
    ("units.yaml", "phong-truc-thuoc", {"members": ["thanh-tra-so", "phong-truc-thuoc"]},
     "group 'phong-truc-thuoc' contains itself", "remove the member"),
    ("units.yaml", "phong-truc-thuoc", {"members": ["thanh-tra-so", "khong-co"]}, "unit 'khong-co' does not exist",
     "did you mean"),
]


@pytest.mark.parametrize("file,element,fields,message,fix", BAD, ids=[b[3][:40] for b in BAD])
def test_bad_responsibility_timing_and_groups_are_located(tmp_path, file, element, fields, message, fix):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    for key, value in fields.items():
        helpers.yaml_set(content / file, element, key, value)
    with pytest.raises(ContentError) as info:
        load_content(content)
    found = [p for p in info.value.problems if message in p.message]
    assert found, info.value.report()
    # the edit, or the mapping it sits in (its id: line)
    source = helpers.yaml_source(content / file)
    path = helpers.yaml_path(source.data, element)
    lines = [source.values[path][0], *(source.keys[(*path, key)][0] for key in fields)]
    assert found[0].file == f"content/{file}" and min(lines) - 1 <= found[0].line <= max(lines) + 1
    assert fix in found[0].fix


def test_check_reports_a_template_failure_at_the_content_element(tmp_path):
    for name in ("content", "templates", "docs"):
        shutil.copytree(REPO / name, tmp_path / name)
    macros = tmp_path / "templates" / "macros.j2"
    macros.write_text(macros.read_text(encoding="utf-8").replace(
        "{% macro blocks(items, depth) %}",
        '{% macro blocks(items, depth) %}{% for b in items if b.id == "III-c" %}{{ none + 1 }}{% endfor %}', 1),
        encoding="utf-8")
    (tmp_path / "docs" / "ghi-chu.md").write_text("# Ghi chú\n\nTheo Chỉ thị số 99/CT-TTg.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "plansite", "check"], cwd=tmp_path, capture_output=True,
                            text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 1
    line = next(i for i, t in enumerate((REPO / "content" / "plan.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if t.strip() == "- id: III-c")
    assert f"content/plan.yaml:{line}:" in result.stderr
    assert "page muc/III.md cannot be rendered (templates/macros.j2:" in result.stderr
    assert "docs/ghi-chu.md:3:6: cites 'Chỉ thị số 99/CT-TTg', which is not in content/documents.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_model_doctests():
    """Partial dates (their last day) and the Vietnamese order of list letters ("đ)" after "d)")."""
    import doctest

    from plansite import model

    result = doctest.testmod(model)
    assert result.attempted >= 4 and result.failed == 0
