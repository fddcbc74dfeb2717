"""The model's vocabularies against the content schema: one list of words, not two.

Each enum's members are the schema's `enum` list, the labels object declares
the schema's label groups, and every label path the code and the templates
write is declared in labels.schema.json: a misspelt word or label key fails
here, not on some page at render time.
"""

from __future__ import annotations

import ast
import doctest
import json
import pickle
from enum import StrEnum
from pathlib import Path

import jinja2
import pytest
import yaml
from jinja2 import nodes

import plansite.model
from helpers import FIXTURES, copy_project, edit
from plansite import downloads, history, model as m, official, render
from plansite.loader import load_content
from plansite.permalinks import citables

REPO = Path(__file__).resolve().parent.parent
SCHEMA = REPO / "content" / "schema"


def schema(name: str) -> dict:
    return json.loads((SCHEMA / name).read_text(encoding="utf-8"))


def pointer(doc: dict, path: str):
    """The value at a JSON pointer ("/$defs/block/properties/kind/enum")."""
    node = doc
    for part in path.strip("/").split("/"):
        node = node[part]
    return node


# -----------------------------------------------------------------------------
# Enums against the schema's enum lists
# -----------------------------------------------------------------------------

VOCABULARIES = [
    # (enum, schema file, JSON pointer of its `enum` list)
    (m.BlockKind, "plan.schema.json", "/$defs/block/properties/kind/enum"),
    (m.SectionRole, "plan.schema.json", "/$defs/section/properties/role/enum"),
    (m.Mode, "plan.schema.json", "/$defs/responsibility/properties/mode/enum"),
    (m.TimingKind, "plan.schema.json", "/$defs/timing/properties/kinds/items/enum"),
    (m.UnitKind, "units.schema.json", "/properties/units/items/properties/kind/enum"),
    (m.Validity, "documents.schema.json", "/$defs/document/properties/status/properties/value/enum"),
    (history.ChangeType, "changes.schema.json", "/$defs/change/properties/type/enum"),
]


@pytest.mark.parametrize("vocabulary, file, path", VOCABULARIES, ids=lambda x: getattr(x, "__name__", None))
def test_enum_members_are_the_schema_enum(vocabulary, file, path):
    assert sorted(vocabulary) == sorted(pointer(schema(file), path))


def test_every_schema_enum_is_a_vocabulary():
    """A new `enum` list in a content schema is a vocabulary: give it an enum and a row in VOCABULARIES."""
    found = set()

    def walk(node, path):
        if isinstance(node, dict):
            if "enum" in node:
                found.add(path)
            for k, v in node.items():
                walk(v, f"{path}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{path}/{i}")

    for file in sorted(p.name for p in SCHEMA.glob("*.schema.json")):
        walk(schema(file), file)
    known = {file + path for _, file, path in VOCABULARIES}
    # Written as the source prints them, not a vocabulary the code branches on.
    known.add("plan.schema.json/$defs/signature/properties/prefix")
    assert {p.removesuffix("/enum") for p in found} == {p.removesuffix("/enum") for p in known}


def test_role_keys_are_the_responsibility_party_keys():
    props = pointer(schema("plan.schema.json"), "/$defs/responsibility/properties")
    parties = {k for k, v in props.items() if v.get("$ref") == "#/$defs/party"}
    assert sorted(r.key for r in m.Role) == sorted(parties)


@pytest.mark.parametrize("vocabulary", [m.BlockKind, m.SectionRole, m.Mode, m.TimingKind, m.UnitKind, m.Role,
                                        m.PageRole, m.Validity, m.CitableKind, history.ChangeType,
                                        history.Action, history.ElementKind, history.Place, official.Scope,
                                        downloads.Format,
                                        downloads.Group], ids=lambda e: e.__name__)
def test_a_member_is_its_yaml_word(vocabulary):
    """StrEnum: templates print the word and look labels up by it; a wrong word is refused."""
    assert issubclass(vocabulary, StrEnum)
    for member in vocabulary:
        assert member == member.value and f"{member}" == member.value and {member.value: 1}[member] == 1
    with pytest.raises(ValueError):
        vocabulary("no-such-word")


@pytest.mark.parametrize("kind, is_task", [
    (m.BlockKind.TASK, True), (m.BlockKind.SUBTASK, True), (m.BlockKind.ITEM, False), (m.BlockKind.TARGET, False),
    (m.BlockKind.PARAGRAPH, False), (m.BlockKind.BULLET, False), (m.BlockKind.GROUP, False)])
def test_tasks_are_tasks_and_subtasks(kind, is_task):
    assert kind.is_task is is_task


def test_schedule_order_starts_with_the_dated_kinds():
    assert [k for k in m.TimingKind if k.dated] == [m.TimingKind.DEADLINE, m.TimingKind.PERIOD]
    assert m.TIMING_KINDS == tuple(m.TimingKind)


def test_loaded_content_holds_members_not_strings(sample_content):
    blocks = list(sample_content.plan.walk())
    assert blocks and all(type(b.kind) is m.BlockKind for b in blocks)
    assert all(type(s.role) is m.SectionRole for s in sample_content.plan.sections if s.role is not None)
    assert all(type(u.kind) is m.UnitKind for u in sample_content.units)
    timings = [t for _, el in sample_content.plan.elements() if (t := el.timing)]
    assert timings and all(type(k) is m.TimingKind for t in timings for k in t.kinds)
    assert type(sample_content.labels) is m.Labels


@pytest.fixture(scope="module")
def sample_content():
    return load_content(REPO / "content")


@pytest.fixture(scope="module")
def fixture_projects(tmp_path_factory) -> list[Path]:
    """The fictional plans, the sample one with what the others lack: a footnote and a document's status."""
    out = []
    for name in ("sample_plan", "lettered_plan", "agency_plan"):
        project = copy_project(tmp_path_factory.mktemp(name), dirs=(), files=(), content=FIXTURES / name)
        if name == "sample_plan":
            plan, documents = project / "content" / "plan.yaml", project / "content" / "documents.yaml"
            edit(plan, "tác văn thư;\n", "tác văn thư[^fn-1];\n")
            edit(plan, "\nrecipients:\n", "\nfootnotes:\n  - id: fn-1\n    label: \"1\"\n    blocks:\n"
                 "      - {id: fn-1-p1, kind: paragraph, text: Chú thích.}\n\nrecipients:\n")
            edit(documents, "    subject: Về công tác văn thư\n",
                 "    subject: Về công tác văn thư\n    status: {value: con-hieu-luc, checked: 29/11/2026, "
                 "evidence: 'https://vbpl.vn/x'}\n")
        out.append(project / "content")
    return out


@pytest.fixture(scope="module")
def fixture_contents(fixture_projects) -> list[m.Content]:
    return [load_content(folder) for folder in fixture_projects]


def test_a_document_status_is_a_member(fixture_contents):
    statuses = [d.status for c in fixture_contents for d in c.documents if d.status]
    assert statuses and all(type(s.value) is m.Validity for s in statuses)


# -----------------------------------------------------------------------------
# Words the code makes (no schema): every member made, and handled
# -----------------------------------------------------------------------------

def test_every_citable_kind_is_made_and_only_those(fixture_contents):
    """A citable element is a block (cited as its BlockKind) or one of CitableKind; each is made
    by permalinks.citables, and a document is its page while the others are anchors on theirs."""
    made = [c for content in fixture_contents for c in citables(content)]
    assert {c.kind for c in made} == {*m.BlockKind, *m.CitableKind}
    assert all(type(c.kind) in (m.BlockKind, m.CitableKind) for c in made)
    for c in made:
        assert ("#" in c.target) is (c.kind is not m.CitableKind.DOCUMENT), c


def test_every_element_kind_of_the_history_is_made(fixture_projects):
    """The history's elements are a block (its kind as the version writes it) or one of ElementKind."""
    made = [e for folder in fixture_projects for name in history.TRACKED
            for e in history.flatten(name, yaml.safe_load((folder / name).read_text(encoding="utf-8")))]
    made += history.flatten("plan.yaml", {"sections": [{"id": "s", "blocks": [{"id": "b"}]}]})  # a block, no kind
    assert {e.kind for e in made} == {*m.BlockKind, *history.ElementKind}
    assert all(type(e.kind) is history.ElementKind or e.kind in set(m.BlockKind) for e in made)
    assert {place for e in made for place, _ in e.where} == set(history.Place)
    assert all(type(place) is history.Place for e in made for place, _ in e.where)


@pytest.mark.parametrize("place", history.Place, ids=str)
def test_every_place_of_the_history_is_shown(place, sample_content):
    shown = history.where_text(history.Element("plan:x", "paragraph", "x", ((place, "9"),), None, ()),
                               sample_content.labels)
    assert shown and place not in shown


def test_every_scope_of_an_official_document_is_made(fixture_contents):
    for content in fixture_contents:
        docs = official.documents(content, REPO / "templates")
        assert [d.scope for d in docs][:1] == [official.Scope.PLAN]
        assert {d.scope for d in docs} == set(official.Scope) and all(type(d.scope) is official.Scope for d in docs)


def test_every_format_and_group_of_a_download_is_made(fixture_contents):
    """`later`: the PDFs and the DOCX are listed, not typeset."""
    made = [d for content in fixture_contents for d in downloads.build(content, REPO / "templates", later=True)]
    assert {d.format for d in made} == set(downloads.Format) and {d.group for d in made} == set(downloads.Group)
    assert all(type(d.format) is downloads.Format and type(d.group) is downloads.Group for d in made)
    assert set(downloads.MIME) == set(downloads.Format)


# -----------------------------------------------------------------------------
# Templates compare against members, never against string literals
# -----------------------------------------------------------------------------

def test_every_template_environment_has_the_vocabularies(tmp_path):
    from plansite.cache import DiskCache
    envs = [render._environment(REPO / "templates", DiskCache(tmp_path)),
            official._environment(REPO / "templates", None)]
    for env in envs:
        assert {k: env.globals[k] for k in m.TEMPLATE_VOCABULARIES} == dict(m.TEMPLATE_VOCABULARIES)
    assert set(m.TEMPLATE_VOCABULARIES) >= {"BlockKind", "SectionRole", "UnitKind", "TimingKind", "Validity"}


def _literal_comparisons(source: str) -> list[str]:
    """Comparisons in a template with a string literal on one side: `b.kind == "group"`, `k in ("a", "b")`."""
    def literal(node) -> bool:
        return (isinstance(node, nodes.Const) and isinstance(node.value, str)) or \
            (isinstance(node, nodes.Tuple | nodes.List) and any(literal(i) for i in node.items))

    found = []
    for compare in jinja2.Environment().parse(source).find_all(nodes.Compare):
        operands = [compare.expr, *(op.expr for op in compare.ops)]
        if any(literal(o) for o in operands):
            found.append(f"line {compare.lineno}")
    return found


@pytest.mark.parametrize("source, found", [
    ('{% if b.kind == "group" %}x{% endif %}', ["line 1"]),
    ('\n{% if kind in ("deadline", "period") %}x{% endif %}', ["line 2"]),
    ('{% if b.kind == BlockKind.GROUP and b.number|length == 1 %}x{% endif %}', []),
])
def test_the_scan_finds_a_word_compared_as_a_string(source, found):
    assert _literal_comparisons(source) == found


# The code's vocabularies: a word of one of them compared as a string is a word the enum does not check.
CODE_VOCABULARIES = [m.BlockKind, m.SectionRole, m.UnitKind, m.TimingKind, m.Role, m.Mode, m.PageRole, m.Validity,
                     m.CitableKind, history.ChangeType, history.Action, history.ElementKind, history.Place,
                     official.Scope, downloads.Format, downloads.Group]
# Names a vocabulary's word is held under.
VOCABULARY_NAMES = {"kind", "kinds", "role", "roles", "scope", "status", "mode", "type", "typ", "action", "format",
                    "group", "primary", "place", "value"}


def _python_word_comparisons(source: str) -> list[str]:
    """Comparisons of a vocabulary-named value with a vocabulary word as a string: `b.kind == "group"`,
    `typ in ("task", "item")`, `"deadline" in kinds`."""
    words = {w.value for v in CODE_VOCABULARIES for w in v}

    def word(node) -> bool:
        return (isinstance(node, ast.Constant) and node.value in words) or \
            (isinstance(node, ast.Tuple | ast.List | ast.Set) and any(word(e) for e in node.elts))

    def named(node) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr in VOCABULARY_NAMES) or \
            (isinstance(node, ast.Name) and node.id in VOCABULARY_NAMES)

    return [f"line {n.lineno}: {ast.unparse(n)}" for n in ast.walk(ast.parse(source))
            if isinstance(n, ast.Compare) and any(map(word, [n.left, *n.comparators]))
            and any(map(named, [n.left, *n.comparators]))]


@pytest.mark.parametrize("source, found", [
    ('if b.kind == "group":\n    pass', ['line 1: b.kind == \'group\'']),
    ('x = typ in ("task", "item")', ["line 1: typ in ('task', 'item')"]),
    ('x = "deadline" in t.kinds', ["line 1: 'deadline' in t.kinds"]),
    ('x = b.kind is m.BlockKind.GROUP or kind == "enum" or ns == "document"', []),
])
def test_the_scan_finds_a_word_compared_as_a_string_in_python(source, found):
    assert _python_word_comparisons(source) == found


def test_the_code_compares_against_members():
    """plansite/ except the importer, which reads a draft's words from its own vocabulary.yaml and
    the target project's schema, and writes plain YAML."""
    files = sorted(f for f in (REPO / "plansite").rglob("*.py") if "importer" not in f.relative_to(REPO).parts)
    assert len(files) > 30
    found = {str(f.relative_to(REPO)): c for f in files if (c := _python_word_comparisons(f.read_text(encoding="utf-8")))}
    assert not found, "compare against the vocabulary's member (m.BlockKind.GROUP), not its word"


def test_templates_compare_against_members():
    templates = sorted((REPO / "templates").rglob("*.j2"))
    assert len(templates) > 10
    found = {str(t.relative_to(REPO)): f for t in templates if (f := _literal_comparisons(t.read_text(encoding="utf-8")))}
    assert not found, "compare against the vocabulary's member (BlockKind.GROUP), not its word"


# -----------------------------------------------------------------------------
# Labels
# -----------------------------------------------------------------------------

LABELS = schema("labels.schema.json")


def test_labels_declare_the_schema_groups():
    declared = list(m.Labels.__annotations__)
    assert sorted(declared) == sorted(LABELS["required"]) == sorted(LABELS["properties"])


def test_a_missing_label_names_its_path():
    labels = m.Labels.of({"resp": {"lead": "Chủ trì"}, "site_name": "Kế hoạch"})
    assert labels.resp["lead"] == labels["resp"]["lead"] == "Chủ trì"
    with pytest.raises(KeyError) as caught:
        labels["resp"]["leed"]
    assert str(caught.value) == ("label 'resp.leed' is not in content/labels.yaml "
                                 "(see content/schema/labels.schema.json)")
    with pytest.raises(m.LabelError, match="label 'pages' is not"):
        _ = labels.pages


def test_labels_are_read_only_and_survive_pickle_and_json():
    labels = m.Labels.of({"copy": {"done": "Đã chép"}, "site_name": "Kế hoạch"})
    for mutate in (lambda: labels.__setitem__("x", 1), lambda: labels["copy"].update(done=""),
                   lambda: labels.pop("site_name"), lambda: labels["copy"].clear()):
        with pytest.raises(TypeError, match="read-only"):
            mutate()
    assert labels.copy == {"done": "Đã chép"}   # the label group, not dict.copy
    again = pickle.loads(pickle.dumps(labels))
    assert again == labels and type(again) is m.Labels and type(again["copy"]) is m.LabelGroup
    with pytest.raises(m.LabelError, match="'copy.nope'"):
        again["copy"]["nope"]
    assert json.loads(json.dumps(labels)) == {"copy": {"done": "Đã chép"}, "site_name": "Kế hoạch"}


def _declared(path: tuple[str, ...]) -> bool:
    """Whether labels.schema.json declares the label (or group) at `path`."""
    node = LABELS
    for key in path:
        while "$ref" in node:
            node = pointer(LABELS, node["$ref"].removeprefix("#"))
        if key not in node.get("properties", {}):
            return False
        node = node["properties"][key]
    return True


# -- label paths written in Python ------------------------------------------------

# Functions whose `labels` parameter is one group of the labels, not all of them.
GROUP_PARAMETERS = {"redirect_page": ("redirect",)}


def _python_label_paths(source: str) -> set[tuple[str, ...]]:
    """Literal label paths in Python: labels["a"]["b"], content.labels["a"], L = self.labels; L["a"],
    H = labels["history"]; H["b"], labels.get("a")."""
    found: set[tuple[str, ...]] = set()
    aliases: dict[str, tuple[str, ...]] = {}

    def path_of(node) -> tuple[str, ...] | None:
        if isinstance(node, ast.Attribute) and node.attr == "labels":
            return ()
        if isinstance(node, ast.Name):
            return aliases.get(node.id, () if node.id == "labels" else None)
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) \
                and isinstance(node.slice.value, str):
            base = path_of(node.value)
            return None if base is None else base + (node.slice.value,)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
                and node.args and isinstance(node.args[0], ast.Constant):
            base = path_of(node.func.value)
            return None if base is None else base + (node.args[0].value,)
        return None

    def scope(node) -> list[ast.AST]:
        """The nodes of a module's top level or a function (with its closures), in source order."""
        out, todo = [], list(ast.iter_child_nodes(node))
        while todo:
            child = todo.pop()
            if isinstance(node, ast.Module) and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            out.append(child)
            todo += ast.iter_child_nodes(child)
        return sorted((n for n in out if hasattr(n, "lineno")), key=lambda n: (n.lineno, n.col_offset))

    tree = ast.parse(source)
    for func in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef))]:
        aliases = {"labels": GROUP_PARAMETERS[func.name]} if getattr(func, "name", None) in GROUP_PARAMETERS else {}
        for node in scope(func):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                path = path_of(node.value)
                if path is not None:
                    aliases[node.targets[0].id] = path
                else:
                    aliases.pop(node.targets[0].id, None)
            path = path_of(node) if isinstance(node, ast.Subscript | ast.Call) else None
            if path:
                found.add(path)
    return found


# -- label paths written in templates ----------------------------------------------

def _template_label_paths(source: str) -> set[tuple[str, ...]]:
    """Literal label paths in a template: L.a.b, L["a"], {% set D = L.documents %} D.status (and
    plan_labels in the theme's overrides)."""
    found: set[tuple[str, ...]] = set()
    aliases: dict[str, tuple[str, ...]] = {"L": (), "plan_labels": ()}   # plan_labels: the theme's overrides

    def path_of(node) -> tuple[str, ...] | None:
        if isinstance(node, nodes.Name):
            return aliases.get(node.name)
        if isinstance(node, nodes.Getattr):
            base = path_of(node.node)
            return None if base is None else base + (node.attr,)
        if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            base = path_of(node.node)
            return None if base is None else base + (node.arg.value,)
        return None

    tree = jinja2.Environment().parse(source)
    for assign in tree.find_all(nodes.Assign):
        if isinstance(assign.target, nodes.Name) and (path := path_of(assign.node)) is not None:
            aliases[assign.target.name] = path
    for node in tree.find_all((nodes.Getattr, nodes.Getitem)):
        path = path_of(node)
        if path:
            found.add(path)
    return found


def _label_uses() -> list[tuple[str, tuple[str, ...]]]:
    uses = []
    for file in sorted([*(REPO / "plansite").rglob("*.py"), *(REPO / "hooks").glob("*.py")]):
        uses += [(str(file.relative_to(REPO)), p) for p in _python_label_paths(file.read_text(encoding="utf-8"))]
    overrides = [f for f in (REPO / "overrides").rglob("*.html") if "plan_labels" in f.read_text(encoding="utf-8")]
    for file in sorted([*(REPO / "templates").rglob("*.j2"), *overrides]):
        uses += [(str(file.relative_to(REPO)), p) for p in _template_label_paths(file.read_text(encoding="utf-8"))]
    return uses


# Reading labels, not a label: dict and str methods templates call on a group or a label.
_METHODS = {"items", "keys", "values", "get", "format", "replace", "split", "lower", "upper", "capitalize"}


def test_every_label_the_code_and_templates_name_is_declared():
    uses = _label_uses()
    assert len(uses) > 300, "the scan finds the label uses (a regression of the scan would pass vacuously)"
    undeclared = sorted({f"{file}: {'.'.join(path)}" for file, path in uses
                         if not _declared(path) and not (path[-1] in _METHODS and _declared(path[:-1]))})
    assert not undeclared, "labels not in content/schema/labels.schema.json (a typo, or declare them):\n" + \
        "\n".join(undeclared)


@pytest.mark.parametrize("source, scan, expected", [
    ('def f(content):\n    L = content.labels\n    return L["resp"]["leed"]', _python_label_paths,
     {("resp",), ("resp", "leed")}),
    ('def f(labels):\n    H = labels["history"]\n    return H["actoins"]["x"]', _python_label_paths,
     {("history",), ("history", "actoins"), ("history", "actoins", "x")}),
    ('def f(self):\n    return self.r.labels.get("stdy")', _python_label_paths, {("stdy",)}),
    ('{{ L.resp.targts }}', _template_label_paths, {("resp",), ("resp", "targts")}),
    ('{% set D = L.documents %}{{ D["statsu"] }}', _template_label_paths, {("documents",), ("documents", "statsu")}),
])
def test_the_scan_finds_a_misspelt_label(source, scan, expected):
    found = scan(source)
    assert found == expected
    assert not all(_declared(p) for p in found)


def test_a_vocabulary_word_used_as_a_label_key_is_declared():
    """Templates and code look some labels up by a member: units[unit.kind], timing_kinds[kind], …"""
    keyed = [("units", [*m.UnitKind, "lead_mark", "support_mark"]),
             ("timing_kinds", [*m.TimingKind, "none"]),
             ("numbering", [m.BlockKind.BULLET, m.BlockKind.PARAGRAPH]),
             ("resp", [m.SectionRole.FUNDING, m.SectionRole.TARGETS, "implementer", "implementer_mark"]),
             ("official", [f"role_{r}" for r in m.Role]),
             ("readers.documents.statuses", [*m.Validity, "khong-ro"]),
             ("history.types", [*history.ChangeType]),
             ("history.actions", [*history.Action]),
             ("official.data.formats", [*downloads.Format]),
             ("official.data", [*downloads.Group])]
    missing = [(group, str(word)) for group, words in keyed for word in words
               if not _declared((*group.split("."), word))]
    assert not missing


def test_model_doctests():
    assert doctest.testmod(plansite.model).failed == 0


@pytest.mark.parametrize("file", sorted(p.name for p in SCHEMA.glob("*.schema.json")))
def test_a_schema_declares_each_key_once(file):
    """JSON keeps the last of two equal keys: a second "study" block silently dropped the first's required list."""
    def once(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"{file}: {sorted({k for k in keys if keys.count(k) > 1})} twice"
        return dict(pairs)

    json.loads((SCHEMA / file).read_text(encoding="utf-8"), object_pairs_hook=once)


@pytest.mark.parametrize("word", [*m.BlockKind, *m.SectionRole, *m.UnitKind, *m.TimingKind, *m.Validity], ids=str)
def test_a_word_reads_as_the_yaml_gives_it_in_reprs(word):
    """The quiz picks its questions from a hash of the model's repr: typing the words must not reshuffle it."""
    assert repr(word) == repr(word.value)
    assert repr(m.Note(word, "x")) == repr(m.Note(word.value, "x"))
