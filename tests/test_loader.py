"""Tests for plansite.loader (and plansite.yamlsource under it).

* Bad input, one class at a time: each problem is reported at the exact
  file:line:column, with a message and a fix.
* Several problems are reported in one run; the CLI reports without a traceback.
* Property: whatever plan.yaml holds, load_content returns a Content or raises
  ContentError, never anything else.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings, strategies as st

from helpers import yaml_get, yaml_holding, yaml_set, yaml_where
from plansite.errors import ContentError, Problem
from plansite.loader import load_content
from plansite.model import Content

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"


# =============================================================================
# Bad input: one class of problem at a time
# =============================================================================

@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of the real content/ (problems then name content/<file>)."""
    dest = tmp_path / "content"
    shutil.copytree(CONTENT, dest)
    return dest


def problems_of(content_dir: Path) -> list[Problem]:
    with pytest.raises(ContentError) as info:
        load_content(content_dir)
    return info.value.problems


def locate(text: str, needle: str, at: str | None = None, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of `at` (default: the start of `needle`) on the
    line holding the `occurrence`-th `needle` in `text`."""
    lines = text.split("\n")
    hits = [i for i, ln in enumerate(lines) if needle in ln]
    assert len(hits) >= occurrence, f"{needle!r} not found {occurrence} time(s)"
    i = hits[occurrence - 1]
    start = lines[i].index(needle)
    column = start + (needle.index(at) if at is not None else 0) + 1
    return i + 1, column


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert text.count(old) == 1, f"{old!r} should occur once in the file"
        return text.replace(old, new)
    return mutate


def nfd_in(word: str) -> str:
    return unicodedata.normalize("NFD", word)


def _block_scalar_start(text: str, needle: str) -> tuple[int, int]:
    """Where a folded `text: >-` value holding `needle` starts: the `>-` indicator,
    which is where YAML places the value (messages about text point there)."""
    lines = text.split("\n")
    i = next(i for i, ln in enumerate(lines) if needle in ln)
    while ">-" not in lines[i]:
        i -= 1
    return i + 1, lines[i].index(">-") + 1


# Corruptions found by structure (an element's id, a field), never by the real
# plan's wording: an editor's change of a word must not break these tests.
MARK = "MARK0QX"


def _edited(text: str, where, key: str, value) -> str:
    """`text` (a content file) with `key` of `where` set to `value` by helpers.yaml_set."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "file.yaml"
        path.write_text(text, encoding="utf-8")
        if callable(where):
            where, key = where(path)
        yaml_set(path, where, key, value(yaml_get(path, where, key)) if callable(value) else value)
        return path.read_text(encoding="utf-8")


def set_value(where, key: str | None, value) -> Callable[[str], str]:
    """A mutation setting `key` of `where` (or of what `where(path)` finds) to `value`
    (a callable value gets the current one)."""
    return lambda text: _edited(text, where, key, value)


def set_raw(where, key: str, raw: str | bytes = "", line: Callable[[str], str] | None = None,
            ) -> Callable[[str], str | bytes]:
    """A mutation writing `raw` as it stands (bad YAML, bad bytes) as the value of
    `key` at `where`, or rewriting that line (`key: MARK`) with `line`."""
    def mutate(text: str) -> str | bytes:
        edited = _edited(text, where, key, MARK)
        assert edited.count(MARK) == 1
        start = edited.rindex("\n", 0, edited.index(MARK)) + 1
        end = edited.index("\n", start)
        if line is not None:
            return edited[:start] + line(edited[start:end]) + edited[end:]
        if isinstance(raw, bytes):
            return edited.encode("utf-8").replace(MARK.encode(), raw)
        return edited.replace(MARK, raw)
    return mutate


def value_where(where, key: str) -> Callable[[str], tuple[int, int]]:
    """The place of a field's value in the corrupted text, read by plansite.yamlsource."""
    def where_in(text: str) -> tuple[int, int]:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "file.yaml"
            path.write_text(text, encoding="utf-8")
            return yaml_where(path, where, key)
    return where_in


def holding(text: str, part: str = "sections") -> Callable[[Path], tuple[tuple, str]]:
    """The first (element, field) under `part` (the plan's body) whose text holds `text`."""
    def find(path: Path) -> tuple[tuple, str]:
        found = yaml_holding(path, text, part)
        assert found, f"no text holds {text!r}"
        return found[0]
    return find


@dataclass(frozen=True)
class Bad:
    """One corruption: apply `mutate` to `file`; the problem is at `where(corrupted text)`."""

    name: str
    file: str
    mutate: Callable[[str], str | bytes]
    where: Callable[[str], tuple[int, int]]
    message: str
    fix: str


BAD = [
    Bad("yaml syntax error", "plan.yaml",
        set_raw(("header",), "issuing_body", "Sở Kế hoạch: và Đầu tư"),
        lambda t: locate(t, "issuing_body: Sở Kế hoạch: và", at=": và"),
        "YAML syntax error: mapping values are not allowed here", "check indentation"),
    Bad("tab indentation", "plan.yaml",
        replace_once("  issuing_body:", "\tissuing_body:"),
        lambda t: locate(t, "\tissuing_body:"),
        "a tab is used for indentation", "indent with spaces only"),
    Bad("empty file", "units.yaml",
        lambda t: "",
        lambda t: (1, 1),
        "the file is empty", "restore its content"),
    Bad("comments only", "glossary.yaml",
        lambda t: "\n".join(ln for ln in t.splitlines() if ln.startswith("#")) + "\n",
        lambda t: (1, 1),
        "the file is empty", "restore its content"),
    Bad("list instead of a mapping", "glossary.yaml",
        lambda t: "- id: ubnd\n  term: UBND\n",
        lambda t: (1, 1),
        "the file should be a mapping (key: value), not a list", "write a mapping"),
    Bad("missing required field", "units.yaml",
        set_raw("thanh-tra-so", "name", line=lambda ln: ""),
        lambda t: locate(t, "- id: thanh-tra-so", at="id:"),
        "is missing the required field 'name'", "add 'name:'"),
    Bad("unknown key (typo)", "plan.yaml",
        set_raw(("sections", 0), "title", line=lambda ln: ln.replace(f"title: {MARK}", "titel: MỤC TIÊU")),
        lambda t: locate(t, "titel:"),
        "unknown key 'titel' in sections/0", "did you mean 'title'?"),
    Bad("wrong type: text for true/false", "documents.yaml",
        replace_once("    is_plan: true\n", "    is_plan: có\n"),
        lambda t: locate(t, "is_plan: có", at="có"),
        "documents/0/is_plan should be true or false, not text", "write true or false"),
    Bad("wrong type: text for a list", "plan.yaml",
        set_raw("II-3-tg", "kinds", "recurring, superior_schedule"),
        lambda t: locate(t, "kinds: recurring, superior_schedule", at="recurring"),
        "timing/kinds should be a list (- item), not text", "write a list"),
    Bad("wrong type: unquoted number", "plan.yaml",
        set_raw("II-4", "number", "4"),
        lambda t: locate(t, "number: 4", at="4"),
        "should be text, not a number", 'quote dates and numbers as text'),
    Bad("a number as a key beside a typo", "plan.yaml",
        set_raw(("header",), "kind", line=lambda ln: ln.replace(MARK, "KẾ HOẠCH") + "\n  2022: năm\n  subjet: x"),
        lambda t: locate(t, "  2022: năm", at="2022"),
        "the key '2022' is read by YAML as a number, not as text", "put the key in quotes"),
    Bad("duplicate id", "plan.yaml",
        replace_once("id: II-2-tg\n", "id: II-1-tg\n"),
        lambda t: locate(t, "id: II-1-tg", at="II-1-tg", occurrence=2),
        "id 'II-1-tg' is already used", "ids must be unique"),
    Bad("duplicate key", "plan.yaml",
        set_raw(("header",), "subject", line=lambda ln: ln.replace(MARK, "Việc") + "\n  subject: Lặp lại"),
        lambda t: locate(t, "  subject: Lặp lại", at="subject"),
        "key 'subject' appears twice in the same block", "keep one of them"),
    Bad("dangling unit reference", "plan.yaml",
        replace_once("implementers: [thanh-tra-so]", "implementers: [thanh-tra-sox]"),
        lambda t: locate(t, "implementers: [thanh-tra-sox]", at="thanh-tra-sox"),
        "unit 'thanh-tra-sox' does not exist", "did you mean 'thanh-tra-so'?"),
    Bad("dangling document reference", "documents.yaml",
        replace_once("{type: implements, target: ct-49-tw}", "{type: implements, target: ct-99-tw}"),
        lambda t: locate(t, "target: ct-99-tw", at="ct-99-tw"),
        "document 'ct-99-tw' does not exist", "did you mean"),
    Bad("invalid date", "documents.yaml",
        set_raw("ct-33-ttg", "date", "31/2/2021"),
        lambda t: locate(t, "date: 31/2/2021", at="31/2/2021"),
        "'31/2/2021' is not a real date", "check day and month"),
    Bad("issuing date written out that does not exist", "plan.yaml",
        set_raw(("header",), "date", "ngày 31 tháng 2 năm 2022"),
        lambda t: locate(t, "date: ngày 31 tháng 2 năm 2022", at="ngày"),
        "'ngày 31 tháng 2 năm 2022' is not a real date", "check day and month"),
    Bad("issuing date in neither written form", "plan.yaml",
        set_raw(("header",), "date", "17-11-2022"),
        lambda t: locate(t, "date: 17-11-2022", at="17-11-2022"),
        "has an invalid value '17-11-2022'", "ngày 17 tháng 11 năm 2025"),
    Bad("signature authority with a stray space", "plan.yaml",
        set_raw(("header",), "signature", "\n    authority: ' KT. GIÁM ĐỐC'"),
        lambda t: locate(t, "authority: ' KT. GIÁM ĐỐC'", at="' KT."),
        "has an invalid value ' KT. GIÁM ĐỐC'", "KT. GIÁM ĐỐC"),
    Bad("footnote label that is not a number (it is the list item's value)", "plan.yaml",
        set_raw("fn-1", "label", "'1 a'"),
        lambda t: locate(t, "label: '1 a'", at="'1 a'"),
        "has an invalid value '1 a'", "the footnote's number as printed"),
    Bad("date in the wrong format", "documents.yaml",
        set_raw("ct-33-ttg", "date", "26.11.2021"),
        lambda t: locate(t, "date: 26.11.2021", at="26.11.2021"),
        "has an invalid value '26.11.2021'", "d/m/yyyy"),
    Bad("unquoted ISO date that does not exist", "documents.yaml",
        set_raw("ct-33-ttg", "date", "2021-02-31"),
        lambda t: locate(t, "date: 2021-02-31", at="2021-02-31"),
        "the value '2021-02-31' cannot be read", "put it in quotes"),
    Bad("unparseable document number", "documents.yaml",
        set_raw("qd-1415-tu", "number", "QĐ 1415 TU"),
        lambda t: locate(t, "number: QĐ 1415 TU", at="QĐ"),
        "document number 'QĐ 1415 TU' cannot be parsed", "write it as printed"),
    Bad("number cited in the text but not registered", "plan.yaml",
        set_value(holding("4598/KH-SKHĐT"), None, lambda text: text.replace("4598/KH-SKHĐT", "4599/KH-SKHĐT")),
        lambda t: _block_scalar_start(t, "4599/KH-SKHĐT"),
        "4599/KH-SKHĐT', which is not in content/documents.yaml",
        "register the document"),
    Bad("footnote reference without a footnote", "plan.yaml",
        set_value(holding("[^fn-1]"), None, lambda text: text.replace("[^fn-1]", "[^fn-2]")),
        lambda t: _block_scalar_start(t, "[^fn-2]"),
        "footnote reference [^fn-2] has no footnote", "add a footnote with id 'fn-2'"),
    Bad("text not in NFC (decomposed ệ)", "glossary.yaml",
        set_value("quy-che-dan-chu", "expansion", lambda text: text + " thực " + nfd_in("hiện")),
        value_where("quy-che-dan-chu", "expansion"),
        "text is not Unicode NFC (decomposed diacritics) near", "python -m plansite normalize"),
    Bad("stray byte 0xff after Vietnamese letters", "plan.yaml",
        set_raw("I-1", "text", "Nâng cao nh".encode() + b"\xff" + "ận thức và".encode()),
        lambda t: locate(t, "Nâng cao nh\ufffd", at="\ufffd"),
        "byte 0xff is not valid UTF-8", "save the file as UTF-8"),
    Bad("Windows-1258 bytes in a value", "units.yaml",
        set_raw("van-phong-so", "name", "Văn phòng Sở".encode("cp1258", "replace")),
        lambda t: locate(t, "name: V\ufffd", at="\ufffd"),
        "byte 0xe3 is not valid UTF-8", "not Windows-1258"),
    Bad("control character", "plan.yaml",
        set_raw("I-1", "text", "Nâng cao\x07 nhận thức và"),
        lambda t: locate(t, "Nâng cao\x07", at="\x07"),
        "the control character U+0007 is not allowed", "delete it"),
]


@pytest.mark.parametrize("bad", BAD, ids=lambda b: b.name)
def test_bad_input_is_located(bad: Bad, content_copy: Path):
    path = content_copy / bad.file
    original = path.read_text(encoding="utf-8")
    corrupted = bad.mutate(original)
    if isinstance(corrupted, bytes):
        path.write_bytes(corrupted)
        text = corrupted.decode("utf-8", errors="replace")   # one U+FFFD per bad byte here
    else:
        path.write_bytes(corrupted.encode("utf-8"))
        text = corrupted
    line, column = bad.where(text)
    prefix = f"content/{bad.file}:{line}:{column}: "

    problems = problems_of(content_copy)
    report = "\n".join(map(str, problems))
    here = [p for p in problems if str(p).startswith(prefix) and bad.message in p.message]
    assert here, f"no problem at {prefix!r} with {bad.message!r}; got:\n{report}"
    problem = here[0]
    assert bad.fix in problem.fix
    assert str(problem) == f"{prefix}{problem.message} — {problem.fix}"


def test_report_counts_the_problems(content_copy):
    path = content_copy / "units.yaml"
    internal = [u["id"] for u in yaml_get(path, ("units",)) if u["kind"] == "internal"]
    for unit in internal:
        yaml_set(path, unit, "kind", "intern")
    with pytest.raises(ContentError) as info:
        load_content(content_copy)
    problems = info.value.problems
    assert len(problems) == len(internal) >= 2
    assert all(p.fix == "did you mean 'internal'?" for p in problems)
    assert problems == sorted(problems)
    lines = str(info.value).splitlines()
    assert lines[:-1] == [str(p) for p in problems]
    assert lines[-1] == f"{len(internal)} problems in content/."


def test_display_root(content_copy):
    (content_copy / "labels.yaml").write_text("", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(content_copy, display_root=content_copy)
    assert [p.file for p in info.value.problems] == ["labels.yaml"]


# =============================================================================
# Several problems at once
# =============================================================================

def test_several_schema_problems_in_several_files(content_copy):
    edits = {
        "glossary.yaml": replace_once("  - id: hcc\n", "  - id: hcc\n    term HCC\n"),                    # syntax
        "units.yaml": set_raw("thanh-tra-so", "name", line=lambda ln: ln.replace(f"name: {MARK}", "nam: X")),  # unknown key
        "plan.yaml": set_value(("sections", 0), "title", ["MỤC TIÊU"]),                                # wrong type
    }
    for name, mutate in edits.items():
        path = content_copy / name
        path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    problems = problems_of(content_copy)
    files = {p.file for p in problems}
    assert files == {"content/glossary.yaml", "content/units.yaml", "content/plan.yaml"}
    messages = " | ".join(p.message for p in problems)
    assert "YAML syntax error" in messages
    assert "unknown key 'nam'" in messages and "missing the required field 'name'" in messages
    assert "sections/0/title should be text, not a list" in messages


def test_several_semantic_problems_in_one_run(content_copy):
    docs = content_copy / "documents.yaml"
    yaml_set(docs, "ct-33-ttg", "date", "31/2/2021")
    plan = content_copy / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("implementers: [thanh-tra-so]", "implementers: [khong-co]"),
                    encoding="utf-8")
    problems = problems_of(content_copy)
    assert len(problems) == 2, "\n".join(map(str, problems))
    by_file = {p.file: p for p in problems}
    assert "'31/2/2021' is not a real date" in by_file["content/documents.yaml"].message
    assert "unit 'khong-co' does not exist" in by_file["content/plan.yaml"].message


# =============================================================================
# The command line
# =============================================================================

def run_check(content_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "plansite", "check", "--content", str(content_dir)],
                          cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("bad", [b for b in BAD if b.name in (
    "invalid date", "Windows-1258 bytes in a value", "control character", "unknown key (typo)",
    "unquoted ISO date that does not exist")], ids=lambda b: b.name)
def test_cli_reports_problems(bad: Bad, content_copy: Path, tmp_path: Path):
    path = content_copy / bad.file
    corrupted = bad.mutate(path.read_text(encoding="utf-8"))
    raw = corrupted if isinstance(corrupted, bytes) else corrupted.encode("utf-8")
    path.write_bytes(raw)
    line, column = bad.where(raw.decode("utf-8", errors="replace"))

    result = run_check(content_copy, tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"content/{bad.file}:{line}:{column}: " in result.stderr
    assert bad.message in result.stderr and bad.fix in result.stderr
    assert result.stdout == ""


def test_cli_accepts_the_real_content():
    result = run_check(Path("content"), REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("content OK: 3 sections, 5 tasks, 12 documents")
    assert result.stderr == ""


# =============================================================================
# Property: any plan.yaml gives a Content or a ContentError
# =============================================================================

PLAN = yaml.safe_load((CONTENT / "plan.yaml").read_text(encoding="utf-8"))

WEIRD_TEXT = [
    "", " ", "\t", "\n", "~", "null", "yes", "- x", "a: b", "#", "&a", "*a", "!!int x", "'", '"', "\\",
    "e\u0323\u0302",          # decomposed ệ
    "\u0301", "Ð", "\u200b", "\ufeff", "\x85", "\u2028", "\x00", "\x07", "\U0001d518\U0001d52b",
    "[^fn-1]", "[^khong-co]", "33/CT-TTg", "99/CT-TTg", "Chỉ thị số 77-CT/TW", "31/2/2021", "1/1/2021",
    "2021-02-31", "II-1", "phong-truc-thuoc", "khong-co", "recurring", "deadline", "task", "KT.",
]
KEYS = ["id", "kind", "number", "title", "text", "blocks", "titel", "lead", "support", "timing",
        "responsibility", "kinds", "deadline", "notes", "role", "label", "unit", "moved_from"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(WEIRD_TEXT),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=6), st.integers()), inner, max_size=3),
    ),
    max_leaves=8,
)


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, path + (i,))


def _get(root, path):
    for step in path:
        root = root[step]
    return root


def _swap_type(value):
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if isinstance(value, str):
        return [value] if len(value) % 2 else len(value)
    if value is None:
        return "null"
    return str(value)


def mutate_plan(data: st.DataObject):
    plan = copy.deepcopy(PLAN)
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        paths = list(_paths(plan))
        path = data.draw(st.sampled_from(paths), label="path")
        op = data.draw(st.sampled_from(["delete", "replace", "duplicate", "swap", "rename"]), label="op")
        target = _get(plan, path)
        if not path:
            if op in ("replace", "swap"):
                plan = data.draw(values) if op == "replace" else _swap_type(plan)
            continue
        parent, key = _get(plan, path[:-1]), path[-1]
        if op == "delete":
            del parent[key]
        elif op == "replace":
            parent[key] = data.draw(values, label="value")
        elif op == "swap":
            parent[key] = _swap_type(target)
        elif op == "duplicate" and isinstance(target, list) and target:
            i = data.draw(st.integers(0, len(target) - 1), label="item")
            # a deep copy, or the same object (which YAML writes as an anchor and alias)
            item = copy.deepcopy(target[i]) if data.draw(st.booleans(), label="copy") else target[i]
            target.insert(i, item)
        elif op == "rename" and isinstance(parent, dict):
            new = data.draw(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), label="new key")
            parent[new] = parent.pop(key)
    return plan


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("fuzz") / "content"
    shutil.copytree(CONTENT, dest)
    return dest


def assert_loads_or_reports(content_dir: Path) -> None:
    try:
        result = load_content(content_dir)
    except ContentError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.file.startswith("content/") and p.file.endswith(".yaml")
            assert p.line >= 1 and p.column >= 1
            assert p.message and p.fix
    else:
        assert isinstance(result, Content)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_plan_data_loads_or_reports(fuzz_dir, data):
    plan = mutate_plan(data)
    (fuzz_dir / "plan.yaml").write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False),
                                        encoding="utf-8")
    assert_loads_or_reports(fuzz_dir)


PLAN_TEXT = (CONTENT / "plan.yaml").read_text(encoding="utf-8")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    at=st.integers(0, len(PLAN_TEXT.encode("utf-8"))),
    cut=st.integers(0, 40),
    insert=st.one_of(st.binary(max_size=6), st.sampled_from(WEIRD_TEXT + [": x", "\n  - ", "\t", "{", "]"])
                     .map(lambda s: s.encode("utf-8"))),
)
# edits that once crashed the loader: a control character, an unquoted date that does not exist
@example(at=PLAN_TEXT.encode("utf-8").index(b"\nheader:"), cut=0, insert=b"\x07")
@example(at=PLAN_TEXT.encode("utf-8").index(b"\nheader:") + 1, cut=0, insert=b"x: 2021-02-31\n")
@example(at=PLAN_TEXT.encode("utf-8").index(b"\nheader:") + 1, cut=0, insert=b"1: a\nb: 2\n")
def test_any_plan_bytes_load_or_report(fuzz_dir, at, cut, insert):
    """Raw edits of the file (bytes cut and inserted anywhere) never crash yamlsource."""
    raw = PLAN_TEXT.encode("utf-8")
    (fuzz_dir / "plan.yaml").write_bytes(raw[:at] + insert + raw[at + cut:])
    assert_loads_or_reports(fuzz_dir)


def test_id_with_a_trailing_newline_is_rejected(tmp_path):
    """Python's `$` in schema patterns accepts "I-1\\n"; the loader must not."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    plan = content / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    assert text.count("      - id: I-1\n") == 1
    plan.write_text(text.replace("      - id: I-1\n", '      - id: "I-1\\n"\n'), encoding="utf-8")
    line = next(i + 1 for i, ln in enumerate(plan.read_text(encoding="utf-8").splitlines()) if '"I-1\\n"' in ln)
    with pytest.raises(ContentError) as info:
        load_content(content)
    assert [str(p).split(" — ")[0] for p in info.value.problems] == [
        f"content/plan.yaml:{line}:13: id 'I-1\\n' has characters other than ASCII letters, digits, '-' and '_'"]


# =============================================================================
# Schema references inlined for speed: same verdicts as the schema as written
# =============================================================================


def _mutations(data):
    """The data, then one copy per node with an unknown key added / a list item of the wrong type."""
    yield data
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            paths.append(("dict", path))
            for k, v in node.items():
                walk(v, path + (k,))
        elif isinstance(node, list):
            paths.append(("list", path))
            for i, v in enumerate(node):
                walk(v, path + (i,))
        else:
            paths.append(("scalar", path))

    walk(data, ())
    for kind, path in paths:
        mutated = copy.deepcopy(data)
        parent = mutated
        for p in path[:-1]:
            parent = parent[p]
        node = parent[path[-1]] if path else mutated
        if kind == "dict":
            node["khong_co"] = 1
            if node:
                node.pop(next(iter(node)))  # also lose what may be a required key
        elif kind == "list":
            node.append(42)
        elif path:
            parent[path[-1]] = [node]
        yield mutated


@pytest.mark.parametrize("name", ["plan", "documents", "units", "glossary", "labels"])
def test_inlined_schema_gives_the_same_errors(name):
    import json

    import jsonschema

    from plansite.loader import _inline_refs

    schema = json.loads((CONTENT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
    written = jsonschema.Draft202012Validator(schema)
    inlined = jsonschema.Draft202012Validator(_inline_refs(schema))
    data = yaml.safe_load((CONTENT / f"{name}.yaml").read_text(encoding="utf-8"))

    def verdict(validator, doc):
        return sorted((tuple(map(str, e.absolute_path)), e.validator, e.message) for e in validator.iter_errors(doc))

    checked = 0
    for doc in _mutations(data):
        assert verdict(inlined, doc) == verdict(written, doc)
        checked += 1
    assert checked > 20


@pytest.mark.parametrize("schema, instance", [
    # data that looks like a reference stays data
    ({"$defs": {"x": {"type": "string"}}, "const": {"$ref": "#/$defs/x"}}, {"$ref": "#/$defs/x"}),
    ({"$defs": {"x": {"type": "string"}}, "enum": [{"$ref": "#/$defs/x"}]}, "text"),
    # messages that quote subschemas quote them as written
    ({"$defs": {"x": {"type": "string"}}, "not": {"$ref": "#/$defs/x"}}, "text"),
    ({"$defs": {"x": {"type": "string"}}, "oneOf": [{"$ref": "#/$defs/x"}, {"type": "string"}]}, "text"),
    ({"$defs": {"x": {"type": "string"}}, "anyOf": [{"$ref": "#/$defs/x"}, {"type": "integer"}]}, 1.5),
    # a reference with a validating sibling is not replaced
    ({"$defs": {"x": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/x", "minLength": 3}}}, {"a": "ab"}),
])
def test_inlining_keeps_data_and_quoted_subschemas(schema, instance):
    import jsonschema

    from plansite.loader import _inline_refs

    def verdict(s):
        return [(e.validator, e.message) for e in jsonschema.Draft202012Validator(s).iter_errors(instance)]

    assert verdict(_inline_refs(schema)) == verdict(schema)
