"""plansite.rules and the staging of load_content: one bad input per rule,
each asserting the exact located message; every problem of every file in one run."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from helpers import yaml_get, yaml_holding, yaml_set, yaml_where
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


def at(text: str | Path, needle: str, col_of: str | None = None, occurrence: int = 1) -> str:
    """'line:column' of `col_of` (default: `needle`) on the line of the n-th `needle`."""
    lines = read(text).split("\n")
    i = [n for n, ln in enumerate(lines) if needle in ln][occurrence - 1]
    return f"{i + 1}:{lines[i].index(col_of or needle) + 1}"


def read(text: str | Path) -> str:
    return text.read_text(encoding="utf-8") if isinstance(text, Path) else text


def index_of(text: str | Path, key: str, ident: str) -> int:
    return [x["id"] for x in yaml.safe_load(read(text))[key]].index(ident)


# Edits and places found by structure (ids), never by the real plan's wording.

def set_(where, **fields):
    """An edit setting `fields` of the element `where`; a callable value is
    applied to the field's current value."""
    def change(path: Path) -> None:
        for key, value in fields.items():
            yaml_set(path, where, key, value(yaml_get(path, where, key)) if callable(value) else value)
    return change


def value_at(path: Path, where, key: str) -> str:
    """'line:column' of a field's value, as the messages give it."""
    return "{}:{}".format(*yaml_where(path, where, key))


def marked_twice(path: Path) -> None:
    """A second [^fn-1] mark, in the title of the task holding the first one."""
    [(block, _)] = yaml_holding(path, "[^fn-1]")
    task = block[:-2]  # the block's parent: its list of blocks sits under the task
    yaml_set(path, task, "title", yaml_get(path, task, "title").rstrip(".") + "[^fn-1].")


@dataclass(frozen=True)
class Case:
    name: str
    file: str
    old: object  # the text replaced, or a function editing the file by structure (then `new` is None)
    new: str | None
    expected: object  # (the edited file) -> the exact problem, without "content/<file>:"


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
    Case("glossary form in two entries", "glossary.yaml", set_("hcc", term="UBND"), None,
         lambda t: f"{value_at(t, 'hcc', 'term')}: 'UBND' is already a form of term 'ubnd' "
                   f"(content/glossary.yaml:{value_at(t, 'ubnd', 'term').split(':')[0]}) — keep each term or "
                   f"variant in one entry: merge the two entries or remove the repeated form"),
    Case("term equal to an earlier variant", "glossary.yaml",
         set_("par-index", variants=lambda forms: [*forms, yaml_get(CONTENT / "glossary.yaml", "pci", "term")]), None,
         lambda t: f"{value_at(t, 'pci', 'term')}: '{yaml_get(t, 'pci', 'term')}' is already a form of term "
                   f"'par-index' (content/glossary.yaml:{value_at(t, 'par-index', 'variants').split(':')[0]}) — keep "
                   f"each term or variant in one entry: merge the two entries or remove the repeated form"),
    Case("document related to itself", "documents.yaml",
         "      - {type: implements, target: cv-4973-ubnd}\n", "      - {type: implements, target: kh-danvan-2022}\n",
         lambda t: f"{at(t, 'target: kh-danvan-2022', 'kh-danvan-2022')}: document 'kh-danvan-2022' is related "
                   f"to itself (implements) — remove this relation or correct its target"),
    Case("relations in a cycle", "documents.yaml",
         "      - {type: implements, target: ct-33-ttg}\n", "      - {type: implements, target: kh-danvan-2022}\n",
         lambda t: f"{at(t, 'target: kh-danvan-2022', 'kh-danvan-2022')}: the relations 'implements' form a "
                   f"cycle: kh-danvan-2022 → cv-4973-ubnd → kh-danvan-2022 — remove or reverse one of these "
                   f"relations"),
    Case("unit that is its own parent", "units.yaml", set_("thanh-tra-so", parent="thanh-tra-so"), None,
         lambda t: f"{value_at(t, 'thanh-tra-so', 'parent')}: unit 'thanh-tra-so' is its own parent — "
                   f"remove parent: or name the unit it belongs to"),
    Case("unit parents in a cycle", "units.yaml", set_("so-khdt", parent="phong-truc-thuoc"), None,
         lambda t: f"{value_at(t, 'phong-truc-thuoc', 'parent')}: the units' parents form a cycle: so-khdt → "
                   f"phong-truc-thuoc → so-khdt — remove parent: from the unit at the top of the hierarchy"),
    Case("period that ends before it starts", "plan.yaml",
         set_("II-1-tg", kinds=["recurring", "period"], start="1/6/2022", end="1/1/2022"), None,
         lambda t: f"{value_at(t, 'II-1-tg', 'end')}: the period ends (1/1/2022) before it starts (1/6/2022) — "
                   f"swap start: and end:, or correct one of the dates"),
    Case("two documents marked as the plan", "documents.yaml", set_("cv-4973-ubnd", is_plan=True), None,
         lambda t: f"{value_at(t, 'cv-4973-ubnd', 'is_plan')}: document 'cv-4973-ubnd' is marked is_plan: "
                   f"true, and so is 'kh-danvan-2022' (content/documents.yaml:"
                   f"{value_at(t, 'kh-danvan-2022', 'is_plan').split(':')[0]}) — only the plan this site publishes "
                   f"has is_plan: true; remove it from the other"),
    Case("name of spaces only", "units.yaml", set_("thanh-tra-so", name="   "), None,
         lambda t: value_at(t, "thanh-tra-so", "name") + f": units/{index_of(t, 'units', 'thanh-tra-so')}/name "
                   f"holds only spaces — write the text, or remove the key if it is optional"),
    Case("title of a line break only", "plan.yaml", set_(("sections", 0), title="\n "), None,
         lambda t: value_at(t, ("sections", 0), "title") + ": sections/0/title holds only spaces — write the text, "
                                                           "or remove the key if it is optional"),
    Case("footnote referenced twice", "plan.yaml", marked_twice, None,
         lambda t: f"{value_at(t, *yaml_holding(t, '[^fn-1]')[1])}: footnote [^fn-1] is referenced a second time (first "
                   f"at content/plan.yaml:{value_at(t, *yaml_holding(t, '[^fn-1]')[0]).split(':')[0]}) — "
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
    path = content_copy / case.file
    if callable(case.old):
        case.old(path)
    else:
        edit(path, case.old, case.new)
    expected = f"content/{case.file}:{case.expected(path)}"
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
    set_("thanh-tra-so", nam="Thanh tra")(content_copy / "units.yaml")                        # schema
    set_("ct-33-ttg", date="31/2/2021")(content_copy / "documents.yaml")                      # semantic
    [(block, key)] = yaml_holding(content_copy / "plan.yaml", "[^fn-1]")                           # semantic
    set_(block, **{key: lambda text: text.replace("[^fn-1]", "[^fn-2]")})(content_copy / "plan.yaml")
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
