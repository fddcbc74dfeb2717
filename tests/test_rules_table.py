"""Every validation rule, one row each: a minimal bad input -> the exact problems.

The base is a tiny valid content set (below); a row edits it and names the
exact report it expects (file:line:column: message — fix), nothing more and
nothing less. Every rule of `plansite.rules.RULES` and every value the
builder cannot build has a row, so deleting a rule or its registry line
fails here (test_every_rule_has_a_row keeps the table complete).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from plansite import rules
from plansite.errors import ContentError
from plansite.loader import load_content
from plansite.yamlsource import Source

REPO = Path(__file__).resolve().parent.parent

BASE = {
    "plan.yaml": """\
id: kh
document: kh
header:
  issuing_body: Sở A
  number: null
  symbol: KH-A
  place: null
  date: null
  kind: KẾ HOẠCH
  subject: Việc A
  signature: null
preamble:
  - id: can-cu
    kind: paragraph
    text: Căn cứ.
sections:
  - id: I
    number: I
    title: NHIỆM VỤ
    timing:
      id: I-tg
      text: Năm 2022.
      kinds: [open_ended, period]
      start: "2022"
      end: 12/2022
    blocks:
      - id: I-1
        kind: task
        number: "1"
        title: Thực hiện Chỉ thị 33/CT-TTg[^fn-1].
        responsibility:
          id: I-1-dv
          lead: [phong-a]
        timing:
          id: I-1-tg
          text: Trong năm.
          kinds: [period, annual]
          day_month: 29/2
          start: 1/1/2022
          end: 1/6/2022
footnotes:
  - id: fn-1
    label: "1"
    blocks:
      - id: fn-1-p
        kind: paragraph
        text: Chú thích.
""",
    "documents.yaml": """\
kinds:
  - {id: ke-hoach, name: Kế hoạch}
  - {id: chi-thi, name: Chỉ thị}
  - {id: cong-van, name: Công văn}
relation_types:
  - {id: implements, forward: Triển khai, backward: Được triển khai bởi}
documents:
  - id: kh
    kind: ke-hoach
    number: 1/KH-A
    date: null
    issuer: phong-a
    subject: Việc A
    is_plan: true
    relations:
      - {type: implements, target: ct-33}
  - id: ct-33
    kind: chi-thi
    number: 33/CT-TTg
    date: 26/11/2021
    issuer: null
    subject: Chỉ thị B
  - id: cv-9
    kind: cong-van
    number: null
    title: Công văn mẫu
    cited_as: [công văn mẫu]
    date: null
    issuer: null
    subject: Công văn C
""",
    "units.yaml": """\
units:
  - id: phong-a
    name: Phòng A
    kind: internal
  - id: phong-b
    name: Phòng B
    kind: internal
  - id: cac-phong
    name: Các phòng
    kind: internal
    members: [phong-a, phong-b]
  - id: ubnd
    name: Ủy ban nhân dân tỉnh
    kind: external
""",
    "glossary.yaml": """\
terms:
  - id: ubnd
    term: UBND
    variants: [UBND]
    expansion: Ủy ban nhân dân
""",
}


@pytest.fixture(scope="module")
def content_dir(tmp_path_factory) -> Path:
    """One folder for the module (the compiled schemas are cached by path): each row rewrites the files."""
    dest = tmp_path_factory.mktemp("rules") / "content"
    shutil.copytree(REPO / "content" / "schema", dest / "schema")
    shutil.copy(REPO / "content" / "labels.yaml", dest / "labels.yaml")
    return dest


def write(content_dir: Path, edits: list[tuple[str, str, str]]) -> dict[str, str]:
    texts = dict(BASE, **{"labels.yaml": (REPO / "content" / "labels.yaml").read_text(encoding="utf-8")})
    for name, old, new in edits:
        assert texts[name].count(old) == 1, f"{old!r} should occur once in {name}"
        texts[name] = texts[name].replace(old, new)
    for name, text in texts.items():
        (content_dir / name).write_text(text, encoding="utf-8")
    return texts


def report(content_dir: Path) -> list[str]:
    try:
        load_content(content_dir, templates_dir=REPO / "templates")
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return []


def at(text: str, needle: str, col_of: str | None = None, occurrence: int = 1) -> str:
    """'line:column' of `col_of` (default: `needle`) on the line of the n-th `needle`."""
    lines = text.split("\n")
    i = [n for n, ln in enumerate(lines) if needle in ln][occurrence - 1]
    return f"{i + 1}:{lines[i].index(col_of or needle) + 1}"


def line(text: str, needle: str, occurrence: int = 1) -> str:
    return at(text, needle, occurrence=occurrence).split(":")[0]


def test_the_base_is_valid(content_dir):
    write(content_dir, [])
    assert report(content_dir) == []


@dataclass(frozen=True)
class Row:
    rule: str                                     # the name of the rule (or of the builder's check)
    name: str
    edits: list[tuple[str, str, str]]             # (file, old, new)
    expected: Callable[[dict[str, str]], list[str]]  # edited texts -> the exact report


Q = '"'
P, D, U, G, L = "plan.yaml", "documents.yaml", "units.yaml", "glossary.yaml", "labels.yaml"
RESERVED = "is reserved: the site generates a page, folder or heading with this name — choose another id " \
           "(e.g. add a prefix)"

ROWS = [
    # -- ids and references ---------------------------------------------------
    Row("ids_are_ascii", "id ending in a line break", [(P, "      - id: fn-1-p\n", '      - id: "fn-1-p\\n"\n')],
        lambda t: [f"content/plan.yaml:{at(t[P], 'id: ' + Q + 'fn-1-p', Q)}: id 'fn-1-p\\n' has characters other than "
                   f"ASCII letters, digits, '-' and '_' — remove spaces and line breaks"]),
    Row("ids_unique", "timing id equal to the responsibility's", [(P, "id: I-1-tg", "id: I-1-dv")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'id: I-1-dv', 'I-1-dv', 2)}: id 'I-1-dv' is already used "
                   f"(content/plan.yaml:{line(t[P], 'id: I-1-dv')}) — give this element a different id; ids must "
                   f"be unique"]),
    Row("ids_unique_ignoring_case", "block id differing from the footnote's in case only",
        [(P, "- id: fn-1-p", "- id: FN-1")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'id: FN-1', 'FN-1')}: id 'FN-1' differs only in case from 'fn-1' "
                   f"(content/plan.yaml:{line(t[P], 'id: fn-1')}) — rename one of them: their pages or links would "
                   f"overwrite each other on Windows and macOS"]),
    Row("ids_unique_ignoring_case", "unit ids differing in case", [(U, "id: phong-b", "id: Phong-A"),
                                                                   (U, "[phong-a, phong-b]", "[phong-a, Phong-A]")],
        lambda t: [f"content/units.yaml:{at(t[U], 'id: Phong-A', 'Phong-A')}: id 'Phong-A' differs only in case "
                   f"from 'phong-a' (content/units.yaml:{line(t[U], 'id: phong-a')}) — rename one of them: their "
                   f"pages or links would overwrite each other on Windows and macOS"]),
    Row("ids_unique_ignoring_case", "a document id differing from a plan id in case",
        [(D, "id: cv-9", "id: Fn-1-P")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'id: Fn-1-P', 'Fn')}: id 'Fn-1-P' differs only in case from "
                   f"'fn-1-p' (content/plan.yaml:{line(t[P], 'id: fn-1-p')}) — rename one of them: their pages or "
                   f"links would overwrite each other on Windows and macOS"]),
    Row("reserved_ids", "term id equal to a generated page", [(G, "id: ubnd", "id: index")],
        lambda t: [f"content/glossary.yaml:{at(t[G], 'id: index', 'index')}: id 'index' {RESERVED}"]),
    Row("reserved_ids", "unit id equal to a timing kind, in another case", [(U, "id: phong-b", "id: Open-Ended"),
                                                                           (U, "[phong-a, phong-b]", "[phong-a]")],
        lambda t: [f"content/units.yaml:{at(t[U], 'id: Open-Ended', 'Open')}: id 'Open-Ended' {RESERVED}"]),
    Row("reserved_ids", "plan id equal to a heading id a template writes", [(P, "- id: fn-1-p", "- id: nhiem-vu")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'id: nhiem-vu', 'nhiem-vu')}: id 'nhiem-vu' {RESERVED}"]),
    Row("ids_shared_by_plan_and_documents", "block id equal to a document id", [(P, "- id: I-1\n", "- id: ct-33\n")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'id: ct-33', 'ct-33')}: id 'ct-33' is also used in "
                   f"content/plan.yaml:{line(t[P], 'id: ct-33')}; both would get the short URL k/ct-33/ — rename "
                   f"one of them"]),
    Row("references_exist", "misspelt unit", [(P, "lead: [phong-a]", "lead: [phong-aa]")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'lead: [phong-aa]', 'phong-aa')}: unit 'phong-aa' does not exist — "
                   f"did you mean 'phong-a'?"]),
    Row("references_exist", "unknown relation type, nothing close", [(D, "{type: implements", "{type: zzz")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'type: zzz', 'zzz')}: relation type 'zzz' does not exist — "
                   f"add it to relation_types in content/documents.yaml or fix the id"]),
    Row("references_exist", "the plan's document unknown", [(P, "document: kh\n", "document: khh\n")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'document: khh', 'khh')}: document 'khh' does not exist — "
                   f"did you mean 'kh'?"]),
    Row("references_not_renamed", "reference to a unit's old id",
        [(U, "    name: Phòng A\n", "    name: Phòng A\n    moved_from: [phong-cu]\n"),
         (P, "lead: [phong-a]", "lead: [phong-cu]")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'lead: [phong-cu]', 'phong-cu')}: unit 'phong-cu' was renamed to "
                   f"'phong-a' (moved_from) — refer to 'phong-a'"]),
    Row("references_not_renamed", "reference to a document's old id",
        [(D, "    subject: Chỉ thị B\n", "    subject: Chỉ thị B\n    moved_from: [ct-cu]\n"),
         (D, "target: ct-33}", "target: ct-cu}")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'target: ct-cu', 'ct-cu')}: document 'ct-cu' was renamed to "
                   f"'ct-33' (moved_from) — refer to 'ct-33'"]),
    # -- the plan -------------------------------------------------------------
    Row("groups_have_no_text", "group with text of its own",
        [(P, "        kind: paragraph\n        text: Chú thích.\n",
          "        kind: group\n        text: Chú thích.\n        blocks:\n          - {id: fn-1-a, kind: bullet, "
          "text: Một.}\n")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'kind: group', 'group')}: a group has no text or title of its own "
                   f"— use kind: bullet (or item) for a block with its own text"]),
    Row("groups_have_no_text", "group with a title of its own",
        [(P, "        kind: paragraph\n        text: Chú thích.\n",
          "        kind: group\n        title: Chú thích.\n        blocks:\n          - {id: fn-1-a, kind: bullet, "
          "text: Một.}\n")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'kind: group', 'group')}: a group has no text or title of its own "
                   f"— use kind: bullet (or item) for a block with its own text"]),
    Row("groups_hold_blocks", "empty group", [(P, "        kind: paragraph\n        text: Chú thích.\n",
                                               "        kind: group\n        blocks: []\n")],
        lambda t: [f"content/plan.yaml:{at(t[P], '- id: fn-1-p', 'id')}: a group holds no blocks — put the bullets "
                   f"it groups under blocks:"]),
    Row("responsibilities_name_a_unit", "responsibility with a wording and no unit",
        [(P, "          lead: [phong-a]\n", "          text: Các phòng.\n")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'id: I-1-dv', 'id')}: responsibility names no unit — add lead:, "
                   f"implementers: or support: with unit ids from content/units.yaml"]),
    Row("timings_have_their_fields", "period without start or end",
        [(P, "          start: 1/1/2022\n          end: 1/6/2022\n", "")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'id: I-1-tg', 'id')}: timing of kind 'period' has no start or end "
                   f"— add start: and/or end: (d/m/yyyy, m/yyyy or yyyy)"]),
    Row("timings_have_their_fields", "deadline without its date", [(P, "kinds: [period, annual]", "kinds: [deadline]")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'id: I-1-tg', 'id')}: timing of kind 'deadline' has no deadline — "
                   f"add deadline: d/m/yyyy, m/yyyy or yyyy as written"]),
    Row("timings_have_their_fields", "per-document timing without its document",
        [(P, "kinds: [period, annual]", "kinds: [period, annual, per_document]")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'id: I-1-tg', 'id')}: timing of kind 'per_document' has no "
                   f"document — add document: <id of the document in documents.yaml>"]),
    Row("plan_date", "deadline that does not exist: reported once, by the builder",
        [(P, "kinds: [period, annual]", "kinds: [deadline]\n          deadline: 30/2/2022")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'deadline: 30/2/2022', '30')}: '30/2/2022' is not a real date — "
                   f"write d/m/yyyy, m/yyyy or yyyy as the plan gives it (e.g. 30/6/2025, 12/2025, 2025)"]),
    Row("annual_days_exist", "annual day that does not exist",
        [(P, "day_month: 29/2", "day_month: 30/2")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'day_month: 30/2', '30')}: '30/2' is not a real day — write d/m, "
                   f"e.g. 15/11"]),
    Row("periods_in_order", "period that ends before it starts", [(P, "end: 1/6/2022", "end: 31/12/2021")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'end: 31/12/2021', '31')}: the period ends (31/12/2021) before it "
                   f"starts (1/1/2022) — swap start: and end:, or correct one of the dates"]),
    Row("periods_in_order", "a one-day period is in order", [(P, "end: 1/6/2022", "end: 1/1/2022")], lambda t: []),
    Row("periods_in_order", "a period with a start only", [(P, "          end: 1/6/2022\n", "")], lambda t: []),
    Row("periods_in_order", "a period with an end only", [(P, "          start: 1/1/2022\n", "")], lambda t: []),
    Row("periods_in_order", "a period ending in a month", [(P, "end: 1/6/2022", "end: 6/2022")], lambda t: []),
    Row("footnote_references_resolve", "mark of an unknown footnote", [(P, "33/CT-TTg[^fn-1]", "33/CT-TTg[^fn-2]")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'title: Thực hiện', 'Thực')}: footnote reference [^fn-2] has no "
                   f"footnote — add a footnote with id 'fn-2' under footnotes: or fix the reference",
                   f"content/plan.yaml:{at(t[P], '- id: fn-1', 'fn-1')}: footnote 'fn-1' is never referenced — put "
                   f"[^fn-1] in the text where the footnote mark belongs"]),
    Row("footnotes_referenced", "footnote without a mark", [(P, "33/CT-TTg[^fn-1]", "33/CT-TTg")],
        lambda t: [f"content/plan.yaml:{at(t[P], '- id: fn-1', 'fn-1')}: footnote 'fn-1' is never referenced — put "
                   f"[^fn-1] in the text where the footnote mark belongs"]),
    Row("footnotes_referenced_once", "footnote marked twice", [(P, "text: Chú thích.", "text: Chú thích[^fn-1].")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'text: Chú thích', 'Chú')}: footnote [^fn-1] is referenced a second "
                   f"time (first at content/plan.yaml:{line(t[P], 'title: Thực hiện')}) — reference each footnote "
                   f"once; for a second note, add a footnote with its own id"]),
    Row("citations_resolve", "cited number not registered", [(P, "Chỉ thị 33/CT-TTg", "Chỉ thị 34/CT-TTg")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'title: Thực hiện', 'Thực')}: the text cites 'Chỉ thị 34/CT-TTg', "
                   f"which is not in content/documents.yaml — register the document in content/documents.yaml or "
                   f"correct the number"]),
    # -- documents --------------------------------------------------------------
    Row("plan_document_is_marked", "the plan's document lacks is_plan", [(D, "    is_plan: true\n", "")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'id: kh', 'kh')}: document 'kh' is the plan (plan.yaml: "
                   f"document) but lacks is_plan: true — add is_plan: true"]),
    Row("one_plan_document", "two documents marked as the plan",
        [(D, "    subject: Chỉ thị B\n", "    subject: Chỉ thị B\n    is_plan: true\n")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'is_plan: true', 'true', 2)}: document 'ct-33' is marked "
                   f"is_plan: true, and so is 'kh' (content/documents.yaml:{line(t[D], 'is_plan: true')}) — only the "
                   f"plan this site publishes has is_plan: true; remove it from the other"]),
    Row("document_numbers_unique", "a number registered twice, written otherwise",
        [(D, "    cited_as: [công văn mẫu]\n", "    cited_as: [công văn mẫu]\n    also_numbered: [01/kh-a]\n")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'also_numbered: [01/kh-a]', '01')}: document number '01/kh-a' "
                   f"is already registered (line {line(t[D], 'number: 1/KH-A')}) — register each document once"]),
    Row("document_numbers_unique", "three documents with one number: each points to the one before",
        [(D, "number: 33/CT-TTg", "number: 1/KH-A"), (D, "number: null\n    title", "number: 1/KH-A\n    title"),
         (P, "Chỉ thị 33/CT-TTg", "Chỉ thị")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'number: 1/KH-A', '1/', 2)}: document number '1/KH-A' is "
                   f"already registered (line {line(t[D], 'number: 1/KH-A')}) — register each document once",
                   f"content/documents.yaml:{at(t[D], 'number: 1/KH-A', '1/', 3)}: document number '1/KH-A' is "
                   f"already registered (line {line(t[D], 'number: 1/KH-A', 2)}) — register each document once"]),
    Row("documents_can_be_cited", "document with neither number nor phrase",
        [(D, "    cited_as: [công văn mẫu]\n", "")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'id: cv-9', 'id')}: document 'cv-9' has neither a number nor "
                   f"cited_as phrases — add cited_as: the exact phrase the plan uses to cite it"]),
    Row("documents_have_a_name", "document with no number and no title", [(D, "    title: Công văn mẫu\n", "")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'id: cv-9', 'id')}: document 'cv-9' has no number and no "
                   f"title — add title: so the site can name it"]),
    Row("documents_have_a_name", "the plan itself needs no citing phrase, but a name",
        [(D, "number: 1/KH-A", "number: null")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'id: kh', 'id')}: document 'kh' has no number and no "
                   f"title — add title: so the site can name it"]),
    Row("number", "number that does not parse: reported once, by the builder",
        [(D, "    number: null\n    title: Công văn mẫu\n    cited_as: [công văn mẫu]\n",
          "    number: QĐ 9 TU\n")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'number: QĐ 9 TU', 'QĐ')}: document number 'QĐ 9 TU' cannot "
                   f"be parsed (not a document number: 'QĐ 9 TU' (expected NUMBER/SYMBOL as in 33/CT-TTg, "
                   f"NUMBER/YEAR/SYMBOL as in 30/2020/NĐ-CP, or NUMBER-TYPE/ISSUER as in 217-QĐ/TW)) — write it as printed, e.g. 33/CT-TTg, 30/2020/NĐ-CP or 217-QĐ/TW; null if unknown"]),
    Row("relation_self_and_cycles", "document related to itself", [(D, "target: ct-33}", "target: kh}")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'target: kh', 'kh}')}: document 'kh' is related to itself "
                   f"(implements) — remove this relation or correct its target"]),
    Row("relation_self_and_cycles", "a self-relation, then a cycle through the same document",
        [(D, "      - {type: implements, target: ct-33}\n",
          "      - {type: implements, target: kh}\n      - {type: implements, target: ct-33}\n"),
         (D, "    subject: Chỉ thị B\n", "    subject: Chỉ thị B\n    relations: [{type: implements, target: kh}]\n")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'target: kh', 'kh}')}: document 'kh' is related to itself "
                   f"(implements) — remove this relation or correct its target",
                   f"content/documents.yaml:{at(t[D], 'target: kh', 'kh}', 2)}: the relations 'implements' form a "
                   f"cycle: kh → ct-33 → kh — remove or reverse one of these relations"]),
    Row("relation_self_and_cycles", "relations in a cycle",
        [(D, "    subject: Chỉ thị B\n", "    subject: Chỉ thị B\n    relations: [{type: implements, target: kh}]\n")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'target: kh', 'kh}')}: the relations 'implements' form a "
                   f"cycle: kh → ct-33 → kh — remove or reverse one of these relations"]),
    Row("date", "document date that does not exist", [(D, "date: 26/11/2021", "date: 31/2/2021")],
        lambda t: [f"content/documents.yaml:{at(t[D], 'date: 31/2/2021', '31')}: '31/2/2021' is not a real date — "
                   f"check day and month (d/m/yyyy, e.g. 26/11/2021)"]),
    Row("date", "document date with a final line break", [(D, "date: 26/11/2021", 'date: "26/11/2021\\n"')],
        lambda t: [f"content/documents.yaml:{at(t[D], 'date: ' + Q + '26', Q)}: '26/11/2021\\n' is not a date written "
                   f"d/m/yyyy — write it like 26/11/2021, without spaces or line breaks"]),
    Row("date", "issuing date written out", [(P, "  date: null\n", "  date: ngày 31 tháng 2 năm 2022\n")],
        lambda t: [f"content/plan.yaml:{at(t[P], 'date: ngày', 'ngày')}: 'ngày 31 tháng 2 năm 2022' is not a real "
                   f"date — check day and month (d/m/yyyy, e.g. 26/11/2021)"]),
    # -- units, glossary, labels, text -------------------------------------------
    Row("unit_parent_cycles", "unit that is its own parent",
        [(U, "    name: Phòng B\n", "    name: Phòng B\n    parent: phong-b\n")],
        lambda t: [f"content/units.yaml:{at(t[U], 'parent: phong-b', 'phong-b')}: unit 'phong-b' is its own parent "
                   f"— remove parent: or name the unit it belongs to"]),
    Row("unit_parent_cycles", "two units their own parents",
        [(U, "    name: Phòng B\n", "    name: Phòng B\n    parent: phong-b\n"),
         (U, "    name: Phòng A\n", "    name: Phòng A\n    parent: phong-a\n")],
        lambda t: [f"content/units.yaml:{at(t[U], 'parent: phong-a', 'phong-a')}: unit 'phong-a' is its own parent "
                   f"— remove parent: or name the unit it belongs to",
                   f"content/units.yaml:{at(t[U], 'parent: phong-b', 'phong-b')}: unit 'phong-b' is its own parent "
                   f"— remove parent: or name the unit it belongs to"]),
    Row("unit_parent_cycles", "unit parents in a cycle",
        [(U, "    name: Phòng B\n", "    name: Phòng B\n    parent: phong-a\n"),
         (U, "    name: Phòng A\n", "    name: Phòng A\n    parent: phong-b\n")],
        lambda t: [f"content/units.yaml:{at(t[U], 'parent: phong-a', 'phong-a')}: the units' parents form a cycle: "
                   f"phong-a → phong-b → phong-a — remove parent: from the unit at the top of the hierarchy"]),
    Row("unit_groups_acyclic", "group that contains itself through another",
        [(U, "    name: Phòng B\n    kind: internal\n",
          "    name: Phòng B\n    kind: internal\n    members: [cac-phong]\n")],
        lambda t: [f"content/units.yaml:{at(t[U], 'members: [cac-phong]', '[')}: group 'phong-b' contains itself "
                   f"(through its members) — remove the member that leads back to this group",
                   f"content/units.yaml:{at(t[U], 'members: [phong-a', '[')}: group 'cac-phong' contains itself "
                   f"(through its members) — remove the member that leads back to this group"]),
    Row("unit_groups_acyclic", "two groups containing each other, inside a third",
        [(U, "    name: Phòng B\n    kind: internal\n",
          "    name: Phòng B\n    kind: internal\n    members: [phong-a]\n"),
         (U, "    name: Phòng A\n    kind: internal\n",
          "    name: Phòng A\n    kind: internal\n    members: [phong-b]\n")],
        lambda t: [f"content/units.yaml:{at(t[U], 'members: [phong-b]', '[')}: group 'phong-a' contains itself "
                   f"(through its members) — remove the member that leads back to this group",
                   f"content/units.yaml:{at(t[U], 'members: [phong-a]', '[')}: group 'phong-b' contains itself "
                   f"(through its members) — remove the member that leads back to this group"]),
    Row("unit_groups_acyclic", "a group with an unknown member", [(U, "[phong-a, phong-b]", "[phong-a, phong-aa]")],
        lambda t: [f"content/units.yaml:{at(t[U], '[phong-a, phong-aa]', 'phong-aa')}: unit 'phong-aa' does not exist — "
                   f"did you mean 'phong-a'?"]),
    Row("glossary_forms_unique", "term written in two entries",
        [(G, "    expansion: Ủy ban nhân dân\n",
          "    expansion: Ủy ban nhân dân\n  - id: ubnd-2\n    term: UBT\n    variants: [UBND]\n"
          "    expansion: Ủy ban\n")],
        lambda t: [f"content/glossary.yaml:{at(t[G], 'variants: [UBND]', 'UBND', 2)}: 'UBND' is already a form of term "
                   f"'ubnd' (content/glossary.yaml:{line(t[G], 'term: UBND')}) — keep each term or variant in one "
                   f"entry: merge the two entries or remove the repeated form"]),
    Row("label_placeholders", "label with a placeholder the code does not fill",
        [(L, "  task: nhiệm vụ {number}\n", "  task: nhiệm vụ {numbr}\n")],
        lambda t: [f"content/labels.yaml:{at(t[L], 'task: nhiệm vụ', 'nhiệm')}: label cite/task uses the "
                   f"placeholder {{numbr}}, which the site does not fill in — use only {{number}}"]),
    Row("label_placeholders", "label with an unmatched brace",
        [(L, "  task: nhiệm vụ {number}\n", "  task: nhiệm vụ {number\n")],
        lambda t: [f"content/labels.yaml:{at(t[L], 'task: nhiệm vụ', 'nhiệm')}: label cite/task has an unmatched "
                   f"'{{' or '}}' — use only {{number}}; write {{{{ or }}}} for a literal brace"]),
    Row("label_placeholders", "label of two placeholders with an unmatched brace",
        [(L, '  of_plan: "{title} của {issuer}"\n', '  of_plan: "{title} của {issuer"\n')],
        lambda t: [f"content/labels.yaml:{at(t[L], 'of_plan:', Q)}: label cite/of_plan has an unmatched '{{' or '}}' "
                   f"— use only {{issuer}} and {{title}}; write {{{{ or }}}} for a literal brace"]),
    Row("blank", "name of spaces only", [(U, "name: Phòng B", 'name: "  "')],
        lambda t: [f"content/units.yaml:{at(t[U], 'name: ' + Q, Q)}: units/1/name holds only spaces — write the "
                   f"text, or remove the key if it is optional"]),
]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.rule}: {r.name}")
def test_rule(content_dir, row, monkeypatch):
    found: list = []

    def check(model, where):  # the rules' own list, before the report drops repeats
        found.extend(real(model, where))
        return found

    real = rules.check
    monkeypatch.setattr(rules, "check", check)
    texts = write(content_dir, row.edits)
    assert sorted(report(content_dir)) == sorted(row.expected(texts))
    assert len(found) == len(set(found)), "a rule reported one problem twice"


# The builder's checks (a value that cannot be built) and the schema stage's blank-text check.
NOT_RULES = {"plan_date", "number", "date", "blank"}


def test_every_rule_has_a_row():
    """A rule added to the registry without its row here fails."""
    assert {fn.__name__ for _, fn in rules.RULES} == {r.rule for r in ROWS} - NOT_RULES


def test_rules_run_only_when_their_files_are_valid(content_dir):
    """units.yaml broken: no rule needing it runs, the unit references are not judged (documents.yaml's
    issuer comes first), the others still run."""
    texts = write(content_dir, [(U, "units:\n", "units:\n  - oops\n"), (P, "end: 1/6/2022", "end: 31/12/2021"),
                                (P, "document: kh\n", "document: khh\n")])
    assert sorted(report(content_dir)) == sorted([
        f"content/units.yaml:{at(texts[U], '- oops', 'oops')}: units/0 should be a mapping (key: value), not text "
        f"— write a mapping (key: value) here",
        f"content/plan.yaml:{at(texts[P], 'document: khh', 'khh')}: document 'khh' does not exist — did you mean "
        f"'kh'?",
        f"content/plan.yaml:{at(texts[P], 'end: 31/12/2021', '31')}: the period ends (31/12/2021) before it starts "
        f"(1/1/2022) — swap start: and end:, or correct one of the dates"])


def test_reserved_ids_without_templates(content_dir, tmp_path):
    """Without the templates folder only the generated pages' names are reserved, not their heading ids."""
    texts = write(content_dir, [(P, "- id: fn-1-p", "- id: nhiem-vu"), (G, "id: ubnd", "id: index")])
    with pytest.raises(ContentError) as info:
        load_content(content_dir, templates_dir=tmp_path / "no-templates")
    assert [str(p) for p in info.value.problems] == [
        f"content/glossary.yaml:{at(texts[G], 'id: index', 'index')}: id 'index' {RESERVED}"]


def test_label_placeholders_without_the_labels_schema(tmp_path):
    """The schema stage reports a missing schema; the rule itself then finds nothing to say."""
    labels = {"cite": {"task": "nhiệm vụ {numbr}"}}
    model = rules.Model(frozenset({"labels"}), labels=labels)
    where = rules.Index({}, schema_dir=tmp_path)
    assert rules.label_placeholders(model, where) == []


def test_reserved_names_without_timing_kinds():
    """The importer passes labels it has not validated: no timing kinds, still the site's own names."""
    assert rules.reserved_names({"Ma-Tran"}, {}) == frozenset(
        {"ma-tran", "internal", "external"} | {n.casefold() for n in rules.RESERVED_NAMES})


def test_label_placeholders_in_a_free_form_group(tmp_path):
    """A group of labels the schema leaves open (no properties) is skipped, not a crash."""
    (tmp_path / "labels.schema.json").write_text(json.dumps({
        "type": "object", "properties": {"cite": {"type": "object", "additionalProperties": {"type": "string"}}}}))
    labels = {"cite": {"task": "nhiệm vụ {numbr}"}}
    model = rules.Model(frozenset({"labels"}), labels=labels)
    where = rules.Index({"labels": Source("content/labels.yaml", labels)}, schema_dir=tmp_path)
    assert rules.label_placeholders(model, where) == []
