"""Read a YAML file into plain data plus the line/column of every value.

PyYAML forgets positions once it builds Python objects, so this composes the
node tree and constructs the data itself, keeping a map from each value's path
(a tuple of keys and list indexes) to its place in the file.
"""

from __future__ import annotations

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


@dataclass
class Source:
    """A loaded YAML file: its data and where each value sits in it."""

    file: str
    data: Any = None
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

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


def load(path: Path, display: str) -> tuple[Source, list[Problem]]:
    """Load `path`; `display` is the name errors use (e.g. content/plan.yaml)."""
    source = Source(display)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return source, [Problem(display, 1, 1, f"cannot read the file ({exc.strerror})",
                                "check that the file exists and is readable")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        # a column counts characters, not bytes; the bytes before the bad one are valid UTF-8
        column = len(raw[line_start: exc.start].decode("utf-8")) + 1
        return source, [Problem(display, line, column,
                                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                "save the file as UTF-8 (not Windows-1258 or VNI/TCVN3)")]
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
    source = Source(display)
    try:
        loader = loader_class(text)
    except yaml.YAMLError:
        return None
    try:
        problems: list[Problem] = []
        source.data = _construct(loader, loader.get_single_node(), (), source, problems)
    except yaml.YAMLError:
        return None
    finally:
        loader.dispose()
    return None if problems else source


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
        return True, loader.construct_object(node, deep=True)
    except (ValueError, TypeError, AttributeError, OverflowError):
        kind = str(node.tag).rsplit(":", 1)[-1]
        kind = {"int": "whole number", "float": "number", "timestamp": "date"}.get(kind, kind)
        problems.append(Problem(source.file, node.start_mark.line + 1, node.start_mark.column + 1,
                                f"the value {node.value!r} cannot be read (YAML takes it for a {kind})",
                                f"put it in quotes to keep it as text, e.g. \"{node.value}\", or correct it"))
        return False, None


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
