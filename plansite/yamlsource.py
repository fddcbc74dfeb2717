"""Read a YAML file into plain data plus the line/column of every value.

PyYAML forgets positions once it builds Python objects, so this composes the
node tree and constructs the data itself, keeping a map from each value's path
(a tuple of keys and list indexes) to its place in the file.

Content files hold text, lists and mappings only. What YAML could carry
beyond that is refused, each with its own located message, before anything is
built: anchors and aliases (a 1 KB alias bomb expands to gigabytes), merge
keys, explicit tags (`!include`, `!!python/...`), a second document, nesting
deeper than MAX_DEPTH, keys that are not text (`on:` is true, `~:` is null),
invisible control and format characters (zero-width, bidi overrides), and a
file larger than the size limit.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import Problem

# Two loaders: libyaml's CSafeLoader (about 7x faster) reads files that are
# fine; when it finds anything wrong the file is read again with the
# pure-Python loader, whose messages and positions for control characters and
# syntax errors are the ones users see. Both give the same positions for valid
# YAML (tests/test_yamlsource.py).
_Loader = yaml.SafeLoader
_FastLoader = getattr(yaml, "CSafeLoader", None)

Path_ = tuple  # a path into the data: ("sections", 1, "blocks", 0, "text")

# Nesting levels (a mapping or a list inside another counts one more). The
# real plan is 7 deep and a plan with sub-sub-sub-items about 12; the reader
# recurses, so thousands of levels would crash it.
MAX_DEPTH = 32
# A content file larger than this is refused before it is read: the checks and
# the build grow with the content (README, "Large content": 10x the real plan,
# 184 KB, checks in about 6 s and builds cold in under a minute; 30x takes
# minutes). 0.5 MB is about 25x the real plan. Override with the environment
# variable PLANSITE_MAX_FILE_MB.
MAX_FILE_MB = 0.5
MAX_FILE_ENV = "PLANSITE_MAX_FILE_MB"
_YAML_TAG = "tag:yaml.org,2002:"
# Characters a reader cannot see or that reorder what is seen, by Unicode
# category: control (except line break and tab), format (zero-width joiners and
# spaces, bidi overrides, soft hyphen, BOM), surrogates, private use, line and
# paragraph separators.
_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}
_ALLOWED_CONTROLS = "\n\t"


@dataclass
class Source:
    """A loaded YAML file: its data and where each value sits in it."""

    file: str
    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    text: str = field(default="", repr=False, compare=False)  # the file, to locate characters

    def where(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value (or its key) at `path`, else of the
        nearest enclosing value that has one."""
        table = self.keys if key else self.values
        path = tuple(path)
        while path:
            if path in table:
                return table[path]
            if key and path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def problem(self, path: Path_, message: str, fix: str, *, key: bool = False) -> Problem:
        line, column = self.where(path, key=key)
        return Problem(self.file, line, column, message, fix)


def max_file_bytes() -> int:
    """The size limit for one content file, from PLANSITE_MAX_FILE_MB or the default."""
    try:
        mb = float(os.environ.get(MAX_FILE_ENV, MAX_FILE_MB))
    except ValueError:
        mb = MAX_FILE_MB
    return int(mb * 1024 * 1024)


def load(path: Path, display: str, *, max_bytes: int | None = None) -> tuple[Source, list[Problem]]:
    """Load `path`; `display` is the name errors use (e.g. content/plan.yaml)."""
    source = Source(display)
    limit = max_file_bytes() if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > limit:
            return source, [Problem(
                display, 1, 1, f"the file is {_mb(size)}, larger than the limit of {_mb(limit)}",
                f"split or shorten it; if a plan really is this large, raise the limit with {MAX_FILE_ENV}="
                f"{max(1, -(-size // (1024 * 1024)))} (builds slow down with size: see the README)")]
        raw = path.read_bytes()
    except OSError as exc:
        return source, [Problem(display, 1, 1, f"cannot read the file ({exc.strerror})",
                                "check that the file exists and is readable")]
    text, problem = decode(raw, display)
    if problem is not None:
        return source, [problem]
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        return source, [Problem(display, 1, 1, "the file is empty",
                                "restore its content (see git history) or copy the structure from the README")]
    if _FastLoader is not None:
        fast = _read(_FastLoader, text, display)
        if fast is not None:
            return fast, []
    # Something is wrong: find the first thing content must not carry, from
    # the events alone (nothing built), before reading the file to locate the rest.
    refused, parsed = _refuse(_FastLoader or _Loader, text, display)
    if not parsed and _FastLoader is not None:
        # libyaml stops at its own nesting limit (1,000) with a bare error;
        # the pure-Python parser is not recursive and finds where it starts
        refused, _ = _refuse(_Loader, text, display)
    if refused is not None:
        return source, [refused]
    source.text = text
    try:
        loader = _Loader(text)  # checks for unprintable characters
    except yaml.reader.ReaderError as exc:
        return source, [_reader_problem(display, text, exc)]
    try:
        node = loader.get_single_node()
        problems: list[Problem] = []
        source.data = _construct(loader, node, (), source, problems)
    except yaml.MarkedYAMLError as exc:
        return source, [_syntax_problem(display, text, exc)]
    except yaml.YAMLError as exc:  # e.g. a reader error on control characters
        return source, [Problem(display, 1, 1, f"YAML error: {exc}", "fix the YAML syntax")]
    finally:
        loader.dispose()
    return source, problems


def _read(loader_class, text: str, display: str) -> Source | None:
    """The file read by `loader_class`, or None when it has any problem at all."""
    source = Source(display, text=text)
    try:
        loader = loader_class(text)
    except yaml.YAMLError:
        return None
    try:
        node = loader.get_single_node()
        if node is None or not _plain(loader, node):
            return None
        problems: list[Problem] = []
        source.data = _construct(loader, node, (), source, problems)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None if problems else source


_COLLECTION_TAGS = {yaml.MappingNode: _YAML_TAG + "map", yaml.SequenceNode: _YAML_TAG + "seq"}


def _plain(loader, root) -> bool:
    """Whether the composed tree is plain data: no node reached twice (an
    alias), no tag other than the one YAML would infer, no merge key, at most
    MAX_DEPTH deep. Cheap, and it runs before anything is built, so an alias
    bomb is never expanded; `_refuse` then says what and where."""
    seen: set[int] = set()
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return False
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            implicit = loader.resolve(yaml.ScalarNode, node.value, (True, False)) if not node.style \
                else _YAML_TAG + "str"
            if node.tag != implicit:
                return False
            continue
        if node.tag != _COLLECTION_TAGS[type(node)] or depth > MAX_DEPTH:
            return False
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.tag == _YAML_TAG + "merge":
                    return False
                stack += [(key, depth + 1), (value, depth + 1)]
        else:
            stack += [(item, depth + 1) for item in node.value]
    return True


def decode(raw: bytes, display: str) -> tuple[str, Problem | None]:
    """The file's text, or the located problem with its first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        # a column counts characters, not bytes; the bytes before the bad one are valid UTF-8
        column = len(raw[line_start: exc.start].decode("utf-8")) + 1
        return "", Problem(display, line, column, f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                           "save the file as UTF-8 (not Windows-1258 or VNI/TCVN3)")


def _mb(size: int) -> str:
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _refuse(loader_class, text: str, display: str) -> tuple[Problem | None, bool]:
    """The first thing in `text` that YAML can carry but content must not (or
    None), and whether the whole file could be parsed.

    Reads only the event stream: nothing is built, so an alias bomb or
    3,000 levels of nesting cost no more than reading the file. Syntax errors
    are left to the reader, which locates them.
    """
    try:
        loader = loader_class(text)
    except yaml.YAMLError:
        return None, False
    try:
        return _first_refusal(loader, display), True
    except yaml.YAMLError:
        return None, False  # a syntax error: the reader reports it
    finally:
        loader.dispose()


def _first_refusal(loader, display: str) -> Problem | None:
    documents = depth = 0
    # per open collection: True for a mapping waiting for a key, False for one
    # waiting for a value, None for a list
    stack: list[bool | None] = []
    while loader.check_event():
        event = loader.get_event()
        mark = event.start_mark
        at = (display, mark.line + 1, mark.column + 1)
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                return Problem(*at, "a second YAML document starts here (---)",
                               "a content file holds one document: remove the '---' line and move what "
                               "follows into the first document (or into its own file)")
            continue
        is_key = bool(stack) and stack[-1] is True
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)) and stack \
                and stack[-1] is not None:
            stack[-1] = not stack[-1]
        if isinstance(event, yaml.AliasEvent):
            return Problem(*at, f"the alias *{event.anchor} repeats a value marked elsewhere with "
                                f"&{event.anchor}",
                           "write the value out in full here: anchors and aliases are not allowed in content "
                           "files (a few of them can expand into gigabytes)")
        if isinstance(event, yaml.NodeEvent) and event.anchor is not None:
            return Problem(*at, f"the anchor &{event.anchor} marks a value for repetition",
                           "remove it (and write out in full every *" + event.anchor + " that repeats it): "
                           "anchors and aliases are not allowed in content files")
        tag = getattr(event, "tag", None)
        if tag is not None and not (tag == "!" and isinstance(event, yaml.ScalarEvent)):
            shown = "!!" + tag[len(_YAML_TAG):] if tag.startswith(_YAML_TAG) else tag
            return Problem(*at, f"the tag {shown} is not allowed",
                           "remove it: content files hold plain text, lists and mappings only (no !include, "
                           "no !!python/…); to keep a value as text, put it in quotes")
        if isinstance(event, yaml.ScalarEvent) and is_key and event.value == "<<" and not event.style:
            return Problem(*at, "the merge key << copies another mapping into this one",
                           "write the keys out in full: merge keys are not allowed in content files")
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return Problem(*at, f"the content is nested more than {MAX_DEPTH} levels deep here",
                               "check the indentation; no content file needs this many levels of lists "
                               "and mappings inside each other")
            stack.append(True if isinstance(event, yaml.MappingStartEvent) else None)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
            stack.pop()
    return None


def _invisible(source: Source, node, value: str, problems: list[Problem]) -> None:
    """Report the first control or format character in a text (key or value)."""
    if value.isprintable():  # the common case: nothing to look at
        return
    bad = next((c for c in value if unicodedata.category(c) in _INVISIBLE and c not in _ALLOWED_CONTROLS), None)
    if bad is None:
        return
    line, column = _locate(source.text, node, bad)
    name = unicodedata.name(bad, "")
    shown = f"U+{ord(bad):04X}" + (f" ({name})" if name else "")
    problems.append(Problem(source.file, line, column, f"the invisible character {shown} is not allowed in text",
                            "delete it (often pasted from a PDF, a web page or a word processor): it can hide, "
                            "join or reorder what readers see, and breaks search and citations"))


def _locate(text: str, node, char: str) -> tuple[int, int]:
    """Line and column of `char` inside `node` in `text`; the node's start
    when it is written as an escape (e.g. "\\u200b")."""
    start, end = node.start_mark, node.end_mark
    line, column = start.line + 1, start.column + 1
    if not text:
        return line, column
    lines = text.split("\n")
    for i in range(start.line, min(end.line + 1, len(lines))):
        segment = lines[i]
        first = start.column if i == start.line else 0
        last = end.column if i == end.line else len(segment)
        hit = segment.find(char, first, last)
        if hit >= 0:
            return i + 1, hit + 1
    return line, column


def _reader_problem(display: str, text: str, exc: yaml.reader.ReaderError) -> Problem:
    pos = exc.position
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return Problem(display, line, column, f"the control character U+{exc.character:04X} is not allowed in YAML",
                   "delete it (often an invisible character pasted from a PDF or a word processor)")


def _scalar(loader, node, source: Source, problems: list[Problem]) -> tuple[bool, Any]:
    """Construct a scalar; a value PyYAML cannot build (an unquoted 2021-02-31,
    `!!int abc`) becomes a problem instead of an exception."""
    try:
        value = loader.construct_object(node, deep=True)
        if isinstance(value, str):
            _invisible(source, node, value, problems)
        return True, value
    except (ValueError, TypeError, AttributeError, OverflowError):
        kind = str(node.tag).rsplit(":", 1)[-1]
        kind = {"int": "whole number", "float": "number", "timestamp": "date"}.get(kind, kind)
        problems.append(Problem(source.file, node.start_mark.line + 1, node.start_mark.column + 1,
                                f"the value {node.value!r} cannot be read (YAML takes it for a {kind})",
                                f"put it in quotes to keep it as text, e.g. \"{node.value}\", or correct it"))
        return False, None


def _key_problem(source: Source, node, key: Any) -> Problem:
    """A key YAML reads as something other than text: `on:` is true, `~:` null, `2022:` a number."""
    kind = {bool: "true/false", type(None): "null (nothing)", int: "a number", float: "a number"}.get(
        type(key), "a date" if hasattr(key, "year") else type(key).__name__)
    return Problem(source.file, node.start_mark.line + 1, node.start_mark.column + 1,
                   f"the key {node.value!r} is read by YAML as {kind}, not as text",
                   f"put the key in quotes, e.g. \"{node.value}\":, or use the intended key name")


def _syntax_problem(display: str, text: str, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = (exc.problem or "invalid YAML").strip()
    lines = text.splitlines()
    # PyYAML reports a tab as "found character '\t' that cannot start any token"
    # and sometimes points after it; look at the reported and previous line.
    for ln in (line, line - 1):
        if 0 < ln <= len(lines) and "\t" in lines[ln - 1][: len(lines[ln - 1]) - len(lines[ln - 1].lstrip())]:
            col = lines[ln - 1].index("\t") + 1
            return Problem(display, ln, col, "a tab is used for indentation",
                           "indent with spaces only (YAML forbids tabs)")
    if "\t" in what:
        return Problem(display, line, column, "a tab is used for indentation",
                       "indent with spaces only (YAML forbids tabs)")
    return Problem(display, line, column, f"YAML syntax error: {what}",
                   "check indentation, a missing ':' or an unclosed quote on this line or the one before")


def _construct(loader, node, path, source: Source, problems: list[Problem]) -> Any:
    source.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(source.file, key_node.start_mark.line + 1,
                                        key_node.start_mark.column + 1,
                                        "a key must be plain text", "write the key as a simple word"))
                continue
            ok, key = _scalar(loader, key_node, source, problems)
            if not ok:
                continue
            if not isinstance(key, str):
                problems.append(_key_problem(source, key_node, key))
                continue
            key_pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in result:
                first = source.keys.get(path + (key,), key_pos)
                problems.append(Problem(source.file, *key_pos,
                                        f"key '{key}' appears twice in the same block (first at line {first[0]})",
                                        "keep one of them"))
                continue
            source.keys[path + (key,)] = key_pos
            result[key] = _construct(loader, value_node, path + (key,), source, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, path + (i,), source, problems)
                for i, item in enumerate(node.value)]
    return _scalar(loader, node, source, problems)[1]
