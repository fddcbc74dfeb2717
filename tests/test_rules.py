"""plansite.rules and the staging of load_content: one bad input per rule,
each asserting the exact located message; every problem of every file in one run."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from plansite.errors import ContentError
from plansite.loader import load_content

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"


@pytest.fixture
def content_copy(tmp_path) -> Path:
    dest = tmp_path / "content"
    shutil.copytree(CONTENT, dest)
    shutil.copytree(REPO / "templates", tmp_path / "templates")
    return dest


def report_of(content_dir: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_content(content_dir)
    return [str(p) for p in info.value.problems]


def edit(path: Path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should occur once in {path.name}"
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return text


def at(text: str, needle: str, col_of: str | None = None, occurrence: int = 1) -> str:
    """'line:column' of `col_of` (default: `needle`) on the line of the n-th `needle`."""
    lines = text.split("\n")
    i = [n for n, ln in enumerate(lines) if needle in ln][occurrence - 1]
    return f"{i + 1}:{lines[i].index(col_of or needle) + 1}"


def folded_at(text: str, needle: str) -> str:
    """Where a folded `text: >-` value holding `needle` starts (YAML places the value at `>-`)."""
    lines = text.split("\n")
    i = next(n for n, ln in enumerate(lines) if needle in ln)
    while ">-" not in lines[i]:
        i -= 1
    return f"{i + 1}:{lines[i].index('>-') + 1}"


def index_of(text: str, key: str, ident: str) -> int:
    return [x["id"] for x in yaml.safe_load(text)[key]].index(ident)


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    old: str
    new: str
    expected: object  # (text after the edit) -> the exact problem, without "content/<file>:"


RESERVED = "is reserved: the site generates a page, folder or heading with this name — choose another id " \
           "(e.g. add a prefix)"
CASES = [
    Case("document note id equal to a registry page", "documents.yaml",
         "      - id: kh-danvan-2022-n1\n", "      - id: index\n",
         lambda t: f"{at(t, '- id: index', 'index')}: id 'index' {RESERVED}"),
    Case("block id equal to a heading id of a generated page", "plan.yaml",
         "          - id: II-1-b\n", "          - id: nhiem-vu\n",
         lambda t: f"{at(t, '- id: nhiem-vu', 'nhiem-vu')}: id 'nhiem-vu' {RESERVED}"),
    Case("reserved heading id in another case", "glossary.yaml",
         "  - id: pci\n", "  - id: Duoc-Trich-Dan-Tai\n",
         lambda t: f"{at(t, '- id: Duoc', 'Duoc')}: id 'Duoc-Trich-Dan-Tai' {RESERVED}"),
    Case("unit id equal to the short-URL folder", "units.yaml",
         "  - id: thanh-tra-so\n", "  - id: k\n",
         lambda t: f"{at(t, '- id: k', 'k')}: id 'k' {RESERVED}"),
    Case("ids that differ only in case", "plan.yaml",
         "          - id: II-1-b\n", "          - id: ii-1-a\n",
         lambda t: f"{at(t, '- id: ii-1-a', 'ii-1-a')}: id 'ii-1-a' differs only in case from 'II-1-a' "
                   f"(content/plan.yaml:{at(t, '- id: II-1-a').split(':')[0]}) — rename one of them: their pages "
                   f"or links would overwrite each other on Windows and macOS"),
    Case("glossary form in two entries", "glossary.yaml",
         "    term: HCC\n", "    term: UBND\n",
         lambda t: f"{at(t, 'term: UBND', 'UBND', occurrence=2)}: 'UBND' is already a form of term 'ubnd' "
                   f"(content/glossary.yaml:{at(t, 'term: UBND').split(':')[0]}) — keep each term or variant in "
                   f"one entry: merge the two entries or remove the repeated form"),
    Case("term equal to an earlier variant", "glossary.yaml",
         "    variants: [PAR Index]\n", "    variants: [PAR Index, PCI]\n",
         lambda t: f"{at(t, 'term: PCI', 'PCI')}: 'PCI' is already a form of term 'par-index' "
                   f"(content/glossary.yaml:{at(t, 'variants: [PAR').split(':')[0]}) — keep each term or variant in "
                   f"one entry: merge the two entries or remove the repeated form"),
    Case("document related to itself", "documents.yaml",
         "      - {type: implements, target: cv-4973-ubnd}\n", "      - {type: implements, target: kh-danvan-2022}\n",
         lambda t: f"{at(t, 'target: kh-danvan-2022', 'kh-danvan-2022')}: document 'kh-danvan-2022' is related "
                   f"to itself (implements) — remove this relation or correct its target"),
    Case("relations in a cycle", "documents.yaml",
         "      - {type: implements, target: ct-33-ttg}\n", "      - {type: implements, target: kh-danvan-2022}\n",
         lambda t: f"{at(t, 'target: kh-danvan-2022', 'kh-danvan-2022')}: the relations 'implements' form a "
                   f"cycle: kh-danvan-2022 → cv-4973-ubnd → kh-danvan-2022 — remove or reverse one of these "
                   f"relations"),
    Case("unit that is its own parent", "units.yaml",
         "  - id: thanh-tra-so\n    name: Thanh tra Sở\n    kind: internal\n    parent: so-khdt\n",
         "  - id: thanh-tra-so\n    name: Thanh tra Sở\n    kind: internal\n    parent: thanh-tra-so\n",
         lambda t: f"{at(t, 'parent: thanh-tra-so', 'thanh-tra-so')}: unit 'thanh-tra-so' is its own parent — "
                   f"remove parent: or name the unit it belongs to"),
    Case("unit parents in a cycle", "units.yaml",
         "    kind: external\n    description: Cơ quan ban hành Kế hoạch.\n",
         "    kind: external\n    description: Cơ quan ban hành Kế hoạch.\n    parent: phong-truc-thuoc\n",
         lambda t: f"{at(t, 'parent: so-khdt', 'so-khdt')}: the units' parents form a cycle: so-khdt → "
                   f"phong-truc-thuoc → so-khdt — remove parent: from the unit at the top of the hierarchy"),
    Case("period that ends before it starts", "plan.yaml",
         "          id: II-1-tg\n          label: Thời gian thực hiện\n          text: Thường xuyên.\n"
         "          kinds: [recurring]\n",
         "          id: II-1-tg\n          label: Thời gian thực hiện\n          text: Thường xuyên.\n"
         "          kinds: [recurring, period]\n          start: 1/6/2022\n          end: 1/1/2022\n",
         lambda t: f"{at(t, 'end: 1/1/2022', '1/1')}: the period ends (1/1/2022) before it starts (1/6/2022) — "
                   f"swap start: and end:, or correct one of the dates"),
    Case("two documents marked as the plan", "documents.yaml",
         "    number: 4973/UBND-NCKSTTHC\n", "    number: 4973/UBND-NCKSTTHC\n    is_plan: true\n",
         lambda t: f"{at(t, 'is_plan: true', 'true', occurrence=2)}: document 'cv-4973-ubnd' is marked is_plan: "
                   f"true, and so is 'kh-danvan-2022' (content/documents.yaml:"
                   f"{at(t, 'is_plan: true').split(':')[0]}) — only the plan this site publishes has is_plan: "
                   f"true; remove it from the other"),
    Case("name of spaces only", "units.yaml",
         "    name: Thanh tra Sở\n", "    name: \"   \"\n",
         lambda t: at(t, 'name: "   "', '"') + f": units/{index_of(t, 'units', 'thanh-tra-so')}/name holds "
                   f"only spaces — write the text, or remove the key if it is optional"),
    Case("title of a line break only", "plan.yaml",
         "    title: MỤC ĐÍCH YÊU CẦU\n", "    title: \"\\n \"\n",
         lambda t: at(t, 'title: "', '"') + ": sections/0/title holds only spaces — write the text, or remove "
                                            "the key if it is optional"),
    Case("footnote referenced twice", "plan.yaml",
         "Tổ chức quán triệt sâu kỹ các văn bản chỉ đạo của Trung ương và của\n          tỉnh về công tác dân vận.",
         "Tổ chức quán triệt sâu kỹ các văn bản chỉ đạo của Trung ương và của\n          tỉnh về công tác dân "
         "vận[^fn-1].",
         lambda t: f"{folded_at(t, 'các văn bản[^fn-1].')}: footnote [^fn-1] is referenced a second time (first "
                   f"at content/plan.yaml:{folded_at(t, 'tỉnh về công tác dân vận[^fn-1]').split(':')[0]}) — "
                   f"reference each footnote once; for a second note, add a footnote with its own id"),
    # labels.yaml: what the templates and the code need (content/schema/labels.schema.json)
    Case("label missing", "labels.yaml",
         "  lead: Chủ trì\n", "",
         lambda t: f"{at(t, '  label: Nhiệm vụ', 'label')}: task is missing the required field 'lead' — "
                   f"add 'lead:' to this block"),
    Case("label with a placeholder the code does not fill", "labels.yaml",
         "  task: nhiệm vụ {number}\n", "  task: nhiệm vụ {numbr}\n",
         lambda t: f"{at(t, 'task: nhiệm vụ', 'nhiệm')}: label cite/task uses the placeholder {{numbr}}, which "
                   f"the site does not fill in — use only {{number}}"),
    Case("label with an attribute lookup", "labels.yaml",
         "  date: ngày {date}\n", "  date: ngày {date.__class__}\n",
         lambda t: f"{at(t, 'date: ngày {date', 'ngày')}: label cite/date uses the placeholder {{date.__class__}}, "
                   f"which the site does not fill in — use only {{date}}"),
    Case("label with an unmatched brace", "labels.yaml",
         '  of_plan: "{title} của {issuer}"\n', '  of_plan: "{title} của {issuer"\n',
         lambda t: at(t, "of_plan:", '"') + ": label cite/of_plan has an unmatched '{' or '}' — use only "
                                          "{issuer} and {title}; write {{ or }} for a literal brace"),
    Case("label of the wrong type", "labels.yaml",
         "permalink: Liên kết cố định đến mục này\n", "permalink: [Liên kết]\n",
         lambda t: f"{at(t, 'permalink: [', '[')}: permalink should be text, not a list — write text here (quote "
                   f"dates and numbers as text, e.g. \"1\")"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_rule_reports_bad_input(content_copy, case):
    text = edit(content_copy / case.file, case.old, case.new)
    expected = f"content/{case.file}:{case.expected(text)}"
    report = report_of(content_copy)
    assert expected in report, "\n".join(report)


@pytest.mark.parametrize("name, damage, expected", [
    ("missing", lambda p: p.unlink(),
     "content/schema/units.schema.json:1:1: the schema file is missing — restore it from git "
     "(git checkout -- content/schema/units.schema.json) or fix it"),
    ("not JSON", lambda p: p.write_text('{\n  "type": "object",\n  <<<<<<< HEAD\n', encoding="utf-8"),
     "content/schema/units.schema.json:3:3: the schema file is not valid JSON: Expecting property name enclosed "
     "in double quotes — restore it from git (git checkout -- content/schema/units.schema.json) or fix it"),
    ("not a JSON Schema", lambda p: p.write_text('{"type": "nonsense"}', encoding="utf-8"),
     "content/schema/units.schema.json:1:1: the schema file is not a valid JSON Schema at type: 'nonsense' is "
     "not valid under any of the given schemas — restore it from git (git checkout -- "
     "content/schema/units.schema.json) or fix it"),
])
def test_bad_schema_file_is_reported(content_copy, name, damage, expected):
    damage(content_copy / "schema" / "units.schema.json")
    assert report_of(content_copy) == [expected]


def test_every_file_is_checked_whatever_else_is_broken(content_copy):
    """One problem in each of the five files, each from a different stage: all five reported."""
    edit(content_copy / "glossary.yaml", "  - id: hcc\n", "  - id: hcc\n    term HCC\n")        # syntax
    edit(content_copy / "units.yaml", "    name: Thanh tra Sở\n", "    nam: Thanh tra Sở\n")   # schema
    edit(content_copy / "documents.yaml", "    date: 26/11/2021\n", "    date: 31/2/2021\n")  # semantic
    edit(content_copy / "plan.yaml", "các văn bản[^fn-1].", "các văn bản[^fn-2].")              # semantic
    edit(content_copy / "labels.yaml", "  task: nhiệm vụ {number}\n", "  task: nhiệm vụ {n}\n")  # rule
    report = report_of(content_copy)
    files = [line.split(":", 1)[0] for line in report]
    assert sorted(set(files)) == ["content/documents.yaml", "content/glossary.yaml", "content/labels.yaml",
                                  "content/plan.yaml", "content/units.yaml"], "\n".join(report)
    assert any("'31/2/2021' is not a real date" in line for line in report)
    assert any("footnote reference [^fn-2] has no footnote" in line for line in report)
    assert any("uses the placeholder {n}" in line for line in report)


def test_references_into_a_broken_file_are_not_reported_as_missing(content_copy):
    """units.yaml is broken: the plan's unit references cannot be judged, so none is called missing."""
    edit(content_copy / "units.yaml", "units:\n", "units:\n  - oops\n")
    report = report_of(content_copy)
    assert all(line.startswith("content/units.yaml:") for line in report), "\n".join(report)


def test_rule_doctests():
    import doctest

    from plansite import rules
    assert doctest.testmod(rules).failed == 0
