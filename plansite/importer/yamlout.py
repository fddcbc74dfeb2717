"""Write content YAML the way an editor would: folded long text, flow lists of ids.

PyYAML's dumper wraps and quotes text in ways that are hard to edit; this
small writer emits the subset content files use, and checks its own output
by loading it back (falling back to PyYAML's dumper if they ever differ).
"""

from __future__ import annotations

import json
import re

import yaml

WIDTH = 78
_SIMPLE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def dump(data: dict, header: str) -> str:
    lines = [f"# {line}".rstrip() for line in header.strip().splitlines()] + [""]
    _mapping(data, 0, lines, top=True)
    text = "\n".join(lines) + "\n"
    if yaml.safe_load(text) != data:  # never write a file that says something else
        text = "\n".join(lines[: header.count("\n") + 2]) + "\n" + yaml.safe_dump(
            data, allow_unicode=True, sort_keys=False, width=WIDTH)
    return text


def _scalar(value, indent: int) -> list[str] | str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if len(text) + indent > WIDTH - 10 and "\n" not in text and "  " not in text and text == text.strip() \
            and "\t" not in text:
        return _folded(text, indent)
    if _plain_ok(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip() or "\n" in text:
        return False
    try:
        return yaml.safe_load(f"k: {text}") == {"k": text} and yaml.safe_load(f"- {text}") == [text]
    except yaml.YAMLError:
        return False


def _folded(text: str, indent: int) -> list[str]:
    width = max(40, WIDTH - indent)
    out, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    out.append(line)
    return [">-"] + [" " * indent + part for part in out]


def _flow_ok(items: list) -> bool:
    return bool(items) and all(isinstance(i, str) and _SIMPLE.fullmatch(i) for i in items)


def _mapping(data: dict, indent: int, lines: list[str], top: bool = False, first_prefix: str | None = None) -> None:
    pad = " " * indent
    first = True
    for key, value in data.items():
        lead = first_prefix if (first and first_prefix is not None) else pad
        first = False
        if top and lines and lines[-1] != "" and isinstance(value, (dict, list)) and value:
            lines.append("")
        if isinstance(value, dict):
            if not value:
                lines.append(f"{lead}{key}: {{}}")
                continue
            lines.append(f"{lead}{key}:")
            _mapping(value, indent + 2, lines)
        elif isinstance(value, list):
            if not value:
                lines.append(f"{lead}{key}: []")
            elif _flow_ok(value):
                lines.append(f"{lead}{key}: [{', '.join(value)}]")
            else:
                lines.append(f"{lead}{key}:")
                _sequence(value, indent + 2, lines)
        else:
            _put_scalar(f"{lead}{key}: ", value, indent + 2, lines)


def _sequence(items: list, indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(item, indent + 2, lines, first_prefix=f"{pad}- ")
        elif isinstance(item, list):
            lines.append(f"{pad}- [{', '.join(item)}]" if _flow_ok(item) else f"{pad}- {json.dumps(item)}")
        else:
            _put_scalar(f"{pad}- ", item, indent + 2, lines)


def _put_scalar(prefix: str, value, indent: int, lines: list[str]) -> None:
    rendered = _scalar(value, indent)
    if isinstance(rendered, list):   # a folded block: indicator on the key's line, text below
        lines.append(prefix + rendered[0])
        lines.extend(rendered[1:])
    else:
        lines.append(prefix + rendered)
