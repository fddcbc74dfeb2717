"""The fast (libyaml) and the pure-Python reader must agree on data and positions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from helpers import yaml_get
from plansite import yamlsource
from plansite.errors import ContentError
from plansite.loader import load_content

REPO = Path(__file__).resolve().parent.parent
FILES = sorted((REPO / "content").glob("*.yaml")) + sorted((REPO / "tests" / "fixtures").rglob("*.yaml"))

needs_libyaml = pytest.mark.skipif(yamlsource._FastLoader is None, reason="PyYAML was built without libyaml")


def read(loader, text: str) -> yamlsource.Source:
    source = yamlsource._read(loader, text, "x.yaml")
    assert source is not None
    return source


@needs_libyaml
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_fast_and_pure_readers_agree_on_every_content_file(path):
    text = path.read_text(encoding="utf-8")
    fast, pure = read(yamlsource._FastLoader, text), read(yaml.SafeLoader, text)
    assert fast.data == pure.data
    assert fast.values == pure.values
    assert fast.keys == pure.keys


@needs_libyaml
@pytest.mark.parametrize("text, path, where", [
    # columns count characters, not UTF-8 bytes
    ("tên: Đảng ủy\nđơn_vị: [Sở Tư pháp, Ủy ban]\n", ("đơn_vị", 1), (2, 22)),
    ("a:\n  - b: 'Chỉ thị'\n    c: |\n      dòng\n", (("a", 0, "c")), (3, 8)),
    ("x: \"ngày 26/11/2021\"\ny: 1\n", ("y",), (2, 4)),
])
def test_positions_count_characters(text, path, where):
    assert read(yamlsource._FastLoader, text).values[path] == where
    assert read(yaml.SafeLoader, text).values[path] == where


@needs_libyaml
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


# =============================================================================
# What YAML can carry but content must not: each refused with its own message
# =============================================================================

CONTENT = REPO / "content"
ALIAS_FIX = ("write the value out in full here: anchors and aliases are not allowed in content files "
             "(a few of them can expand into gigabytes)")
TAG_FIX = ("remove it: content files hold plain text, lists and mappings only (no !include, no !!python/…); "
           "to keep a value as text, put it in quotes")
INVISIBLE_FIX = ("delete it (often pasted from a PDF, a web page or a word processor): it can hide, join or "
                 "reorder what readers see, and breaks search and citations")
KEY_FIX = "put the key in quotes, e.g. \"{key}\":, or use the intended key name"


def where(file: str, old: str, needle: str, shift: int = 0, below: int = 0) -> str:
    """'content/<file>:line:column' of `needle` inside `old` in the real content file
    (`shift` characters further on, `below` lines further down): positions follow
    the content as it grows."""
    text = (CONTENT / file).read_text(encoding="utf-8")
    start = text.index(old) + old.index(needle)
    line, column = text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
    return f"content/{file}:{line + below}:{column + shift}"


# What the rows change is found by structure, not by the plan's wording.
HEADER_KIND = next(ln + "\n" for ln in (CONTENT / "plan.yaml").read_text(encoding="utf-8").split("\n")
                   if ln.startswith("  kind: "))
ISSUER_NAME = f"    name: {yaml_get(CONTENT / 'units.yaml', 'so-khdt', 'name')}\n"


def _folded_line(file: str) -> tuple[str, str]:
    """The first line of the first folded (`>-`) value of `file` that stands once in
    it, and the word of that line after which a character goes."""
    lines = (CONTENT / file).read_text(encoding="utf-8").split("\n")
    for before, line in zip(lines, lines[1:]):
        words = line.split()
        if before.endswith(">-") and len(words) > 2 and "\n".join(lines).count(line + "\n") == 1:
            return line + "\n", words[1]
    raise AssertionError(f"no folded value in {file}")


FOLDED, FOLDED_WORD = _folded_line("documents.yaml")


# A 1 KB alias bomb: nine levels of nine aliases expand to 9**9 strings.
BOMB = "lol: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n" for a, b in zip("abcdefgh", "bcdefghi"))

REFUSED = [
    # (name, file, old, new, expected problem)
    ("alias bomb", "units.yaml", "\nunits:\n", "\n" + BOMB + "units:\n",
     where("units.yaml", "\nunits:\n", "units", shift=5) + ": the anchor &a marks a value for repetition — remove it (and write out in full every "
     "*a that repeats it): anchors and aliases are not allowed in content files"),
    ("alias", "plan.yaml", "  signature: null\n", "  signature: *p\n",
     where("plan.yaml", "  signature: null", "null") + f": the alias *p repeats a value marked elsewhere with &p "
                                                        f"— {ALIAS_FIX}"),
    ("merge key", "plan.yaml", HEADER_KIND, "  <<: {" + HEADER_KIND.strip() + "}\n",
     where("plan.yaml", HEADER_KIND, "kind") + ": the merge key << copies another mapping into this one — write "
     "the keys out in full: merge keys are not allowed in content files"),
    ("!include tag", "plan.yaml", "  place: null\n", "  place: !include place.yaml\n",
     f"{where('plan.yaml', '  place: null', 'null')}: the tag !include is not allowed — {TAG_FIX}"),
    ("python tag", "plan.yaml", "  place: null\n", "  place: !!python/object/apply:os.system [ls]\n",
     f"{where('plan.yaml', '  place: null', 'null')}: the tag !!python/object/apply:os.system is not allowed — "
     f"{TAG_FIX}"),
    ("standard tag", "plan.yaml", "  place: null\n", "  place: !!str 1\n",
     f"{where('plan.yaml', '  place: null', 'null')}: the tag !!str is not allowed — {TAG_FIX}"),
    ("second document", "plan.yaml", "\nsections:\n", "\n---\nsections:\n",
     where("plan.yaml", "\nsections:\n", "sections") + ": a second YAML document starts here (---) — a content "
     "file holds one document: remove the '---' line and move what follows into the first document (or into its "
     "own file)"),
    ("key on: is true", "plan.yaml", HEADER_KIND, HEADER_KIND + "  on: x\n",
     where("plan.yaml", HEADER_KIND, "kind", below=1) + ": the key 'on' is read by YAML as true/false, not as "
     "text — " + KEY_FIX.format(key="on")),
    ("key ~: is null", "units.yaml", "  - id: so-khdt\n", "  - id: so-khdt\n    ~: x\n",
     where("units.yaml", "  - id: so-khdt\n", "id", below=1) + ": the key '~' is read by YAML as null "
     "(nothing), not as text — " + KEY_FIX.format(key="~")),
    ("key 1.5: is a number", "labels.yaml", "\npages:\n", "\npages:\n  1.5: x\n",
     where("labels.yaml", "\npages:\n", "pages", shift=2, below=1) + ": the key '1.5' is read by YAML as a "
     "number, not as text — " + KEY_FIX.format(key="1.5")),
    # refused at the 31st bracket of the value (the file's mapping and header: 33 levels)
    ("3,000 levels of nesting", "plan.yaml", "  signature: null\n", "  signature: " + "[" * 3000 + "]" * 3000 + "\n",
     where("plan.yaml", "  signature: null", "null", 30) + ": the content is nested more than 32 levels deep "
     "here — check the indentation; no content file needs this many levels of lists and mappings inside each other"),
    ("zero-width joiner in a number", "documents.yaml", "    number: 33/CT-TTg\n", "    number: 33/CT\u200d-TTg\n",
     where("documents.yaml", "    number: 33/CT-TTg", "-TTg") + ": the invisible character U+200D (ZERO WIDTH "
     "JOINER) is not allowed in text — " + INVISIBLE_FIX),
    ("right-to-left override in a folded text", "documents.yaml",
     FOLDED, FOLDED.replace(f" {FOLDED_WORD}", f" \u202e{FOLDED_WORD}", 1),
     where("documents.yaml", FOLDED, f" {FOLDED_WORD}", shift=1) + ": the invisible character "
     "U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed in text — " + INVISIBLE_FIX),
    ("escaped bidi isolate", "units.yaml", ISSUER_NAME, f'    name: "{ISSUER_NAME[10:12]}\\u2067{ISSUER_NAME[12:-1]}"\n',
     where("units.yaml", ISSUER_NAME, "name", shift=6) + ": the invisible character U+2067 (RIGHT-TO-LEFT ISOLATE) is not allowed in text — "
     + INVISIBLE_FIX),
    ("escaped control character", "plan.yaml", "  place: null\n", "  place: \"Hà\\x07 Nội\"\n",
     f"{where('plan.yaml', '  place: null', 'null')}: the invisible character U+0007 is not allowed in text — "
     + INVISIBLE_FIX),
    ("soft hyphen", "glossary.yaml", "    term: UBND\n", "    term: UB\u00adND\n",
     where("glossary.yaml", "    term: UBND\n", "UBND", shift=2) + ": the invisible character U+00AD (SOFT HYPHEN) is not allowed in text — "
     + INVISIBLE_FIX),
]


@pytest.mark.parametrize("name, file, old, new, expected", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_yaml_is_located(tmp_path, name, file, old, new, expected):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    path = content / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(ContentError) as info:
        load_content(content)
    assert [str(p) for p in info.value.problems if p.file == f"content/{file}"] == [expected]


def test_alias_bomb_is_refused_before_expansion(tmp_path):
    """Expanded, the bomb is 387 million strings; refused, it costs a read."""
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    assert len(BOMB.encode()) < 1024
    _, problems = yamlsource.load(path, "bomb.yaml")
    assert [p.message for p in problems] == ["the anchor &a marks a value for repetition"]


@pytest.mark.parametrize("limit, size, expected", [
    (0.001, 2048, "content/plan.yaml:1:1: the file is 2 KB, larger than the limit of 1 KB — split or shorten it; "
                  "if a plan really is this large, raise the limit with PLANSITE_MAX_FILE_MB=1 (builds slow down "
                  "with size: see the README)"),
    (2, 3 * 1024 * 1024, "content/plan.yaml:1:1: the file is 3.0 MB, larger than the limit of 2.0 MB — split or "
                         "shorten it; if a plan really is this large, raise the limit with PLANSITE_MAX_FILE_MB=3 "
                         "(builds slow down with size: see the README)"),
])
def test_file_beyond_the_size_limit_is_refused(tmp_path, monkeypatch, limit, size, expected):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    plan = content / "plan.yaml"
    plan.write_bytes(b"# " + b"x" * (size - 3) + b"\n")
    monkeypatch.setenv(yamlsource.MAX_FILE_ENV, str(limit))
    with pytest.raises(ContentError) as info:
        load_content(content)
    assert [str(p) for p in info.value.problems if p.file == "content/plan.yaml"] == [expected]


def test_the_size_limit_admits_the_real_content():
    assert max(p.stat().st_size for p in CONTENT.glob("*.yaml")) * 10 < yamlsource.max_file_bytes()
