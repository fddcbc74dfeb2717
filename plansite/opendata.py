"""Open data: the content model as JSON (with a JSON Schema derived from the
same model) and the assignments as CSV.

The JSON is a faithful encoding of the frozen model (`encode`), and `decode`
rebuilds the same model from it: one codec driven by the dataclasses' type
hints, so a field added to the model is exported, typed in the schema and
read back without touching this module.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import enum
import io
import json
import types
import typing

from . import model as m
from .docnumber import DocNumber
from .graph import Graph
from .official import role_text

FORMAT = "plansite/1"
# The model's fields that are not content (UI labels) stay out of the data.
SKIP = {(m.Content, "labels")}


# -----------------------------------------------------------------------------
# JSON
# -----------------------------------------------------------------------------

def encode(obj):
    """Model → JSON-ready data."""
    if isinstance(obj, DocNumber):  # a dataclass too, but an identifier: its printed form
        return str(obj)
    if isinstance(obj, enum.Enum):  # a vocabulary (Role, Mode): its value
        return obj.value
    if dataclasses.is_dataclass(obj):
        return {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)
                if (type(obj), f.name) not in SKIP}
    if isinstance(obj, (tuple, list)):
        return [encode(x) for x in obj]
    if isinstance(obj, dt.date):
        return obj.isoformat()
    return obj


def decode(tp, data):
    """JSON data → model object of type `tp` (the inverse of `encode`)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        if data is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return decode(inner, data)
    if origin is tuple:
        (inner, *_) = typing.get_args(tp)
        return tuple(decode(inner, x) for x in data)
    if tp is DocNumber:
        return DocNumber.parse(data)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(data)
    if tp is dt.date:
        return dt.date.fromisoformat(data)
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        kwargs = {f.name: decode(hints[f.name], data[f.name]) for f in dataclasses.fields(tp)
                  if (tp, f.name) not in SKIP and f.name in data}
        if tp is m.Content:
            kwargs["labels"] = {}
        return tp(**kwargs)
    return data


def content_json(content: m.Content) -> str:
    data = {"format": FORMAT, **encode(content)}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def content_from_json(text: str) -> m.Content:
    data = json.loads(text)
    return decode(m.Content, data)


def schema(title: str) -> str:
    """JSON Schema (2020-12) of `content_json`, derived from the model's type hints."""
    defs: dict[str, dict] = {}

    def of(tp) -> dict:
        origin = typing.get_origin(tp)
        if origin in (typing.Union, types.UnionType):
            inner = [a for a in typing.get_args(tp) if a is not type(None)]
            return {"anyOf": [of(inner[0]), {"type": "null"}]}
        if origin is tuple:
            return {"type": "array", "items": of(typing.get_args(tp)[0])}
        if origin is dict or tp is dict:
            return {"type": "object"}
        if tp is DocNumber:
            return {"type": "string", "description": "Số, ký hiệu as printed (33/CT-TTg)"}
        if isinstance(tp, type) and issubclass(tp, enum.Enum):
            return {"enum": [x.value for x in tp]}
        if tp is dt.date:
            return {"type": "string", "format": "date"}
        if tp is str:
            return {"type": "string"}
        if tp is bool:
            return {"type": "boolean"}
        if tp is int:
            return {"type": "integer"}
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            name = tp.__name__
            if name not in defs:
                defs[name] = {}  # recursion guard (Block holds Blocks)
                hints = typing.get_type_hints(tp)
                fields = [f for f in dataclasses.fields(tp) if (tp, f.name) not in SKIP]
                defs[name] = {
                    "type": "object", "additionalProperties": False,
                    "description": (tp.__doc__ or name).strip().splitlines()[0],
                    "required": [f.name for f in fields],
                    "properties": {f.name: of(hints[f.name]) for f in fields},
                }
            return {"$ref": f"#/$defs/{name}"}
        raise TypeError(f"no JSON Schema for {tp!r}")

    root = of(m.Content)
    body = dict(defs["Content"])
    body["required"] = ["format", *body["required"]]
    body["properties"] = {"format": {"const": FORMAT}, **body["properties"]}
    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **body, "$defs": defs}
    assert root == {"$ref": "#/$defs/Content"}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


# -----------------------------------------------------------------------------
# CSV
# -----------------------------------------------------------------------------

def assignments_csv(content: m.Content, graph: Graph, link) -> bytes:
    """One row per assignment (Graph.assignments()), UTF-8 with BOM so Excel reads Vietnamese.

    link(block_id) gives the absolute or relative URL of the task.
    """
    L = content.labels["official"]["csv"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(map(spreadsheet_cell, [L["unit_id"], L["unit"], L["role"], L["section"], L["number"], L["task"],
                                           L["timing"], L["link"]]))
    for a in graph.assignments():
        el = a.element
        words = [_plain(w) for w in el.words]  # a group's members, one line each as printed
        wording = words[0] if len(words) == 1 else "\n".join(f"- {w}" for w in words)
        writer.writerow([a.unit_id, *map(spreadsheet_cell, [
            content.unit(a.unit_id).name, role_text(a, content.labels), a.section.number, graph.number(el), wording,
            a.timing.text if a.timing else ""]), link(el.id)])
    return out.getvalue().encode("utf-8-sig")


def spreadsheet_cell(text: str) -> str:
    """Text a spreadsheet must not run as a formula (content is never trusted as syntax).

    >>> spreadsheet_cell("=HYPERLINK(1)"), spreadsheet_cell("Thường xuyên.")
    ("'=HYPERLINK(1)", 'Thường xuyên.')
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _plain(text: str) -> str:
    from .graph import _strip_footnote_refs
    return " ".join(_strip_footnote_refs(text).split())
