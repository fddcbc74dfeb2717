"""A relation diagram for one document, drawn as inline SVG at build time
(no JavaScript, no network): what relates to it on top, the document in the
middle, what it relates to below. Citations by the plan are edges too, so a
document the plan cites is never a lone box.

Drawn top-down so it stays narrow: at its natural size its text is 15 px, and
it is never drawn smaller than 0.8 of that on a screen wide enough to show it
(plan.css); narrower screens get the same edges as a list (`edges`).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from . import model as m

BOX_W, BOX_H, GAP_X, ROW_GAP, PAD = 230, 56, 24, 76, 10
FONT, LINE = 15, 18
CHARS_PER_LINE = 26


@dataclass(frozen=True)
class Edge:
    source: m.Document
    label: str
    target: m.Document


def edges(graph, doc: m.Document, cited_label: str | None = None) -> tuple[list[Edge], list[Edge]]:
    """(incoming, outgoing) edges of `doc`: stated relations, and the plan's
    citations of it (labelled `cited_label`) unless a relation already links
    the plan to it."""
    incoming = [Edge(other, rtype.forward, doc) for rtype, other in graph.relations_in(doc)]
    outgoing = [Edge(doc, rtype.forward, other) for rtype, other in graph.relations_out(doc)]
    plan = next((d for d in graph.content.documents if d.is_plan), None)
    linked = {e.source.id for e in incoming} | {e.target.id for e in outgoing}
    if cited_label and plan is not None and not doc.is_plan and plan.id not in linked \
            and graph.cited_by_plan(doc.id):
        incoming.append(Edge(plan, cited_label, doc))
    return incoming, outgoing


def relation_svg(graph, doc: m.Document, label: Callable[[m.Document], str],
                 href: Callable[[str], str] | None = None, cited_label: str | None = None) -> str:
    incoming, outgoing = edges(graph, doc, cited_label)
    columns = max(len(incoming), len(outgoing), 1)
    width = columns * BOX_W + (columns - 1) * GAP_X + 2 * PAD
    rows = [incoming, [None], outgoing]
    tops, y = [], PAD
    for row in rows:
        tops.append(y)
        if row:
            y += BOX_H + ROW_GAP
    height = y - ROW_GAP + PAD
    parts = [f'<svg class="plan-diagram" xmlns="http://www.w3.org/2000/svg" role="group" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="{_e(label(doc))}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
             'fill="currentColor"/></marker></defs>']
    cx = (width - BOX_W) / 2
    cy = tops[1] if incoming else PAD
    parts.append(_box(cx, cy, label(doc), None, current=True))
    n_in = len(incoming)
    for i, (e, x) in enumerate(zip(incoming, _xs(n_in, width))):
        parts.append(_box(x, tops[0], label(e.source), href(e.source.id) if href else None))
        x2 = cx + BOX_W * (i + 1) / (n_in + 1)
        parts.append(_arrow(x + BOX_W / 2, tops[0] + BOX_H, x2, cy, e.label, near_start=True, width=width))
    n_out = len(outgoing)
    bottom = cy + BOX_H + ROW_GAP
    for i, (e, x) in enumerate(zip(outgoing, _xs(n_out, width))):
        parts.append(_box(x, bottom, label(e.target), href(e.target.id) if href else None))
        x1 = cx + BOX_W * (i + 1) / (n_out + 1)
        parts.append(_arrow(x1, cy + BOX_H, x + BOX_W / 2, bottom, e.label, near_start=False, width=width))
    parts.append("</svg>")
    return "".join(parts)


def _xs(n: int, width: float) -> list[float]:
    total = n * BOX_W + (n - 1) * GAP_X
    left = (width - total) / 2
    return [left + i * (BOX_W + GAP_X) for i in range(n)]


def _arrow(x1: float, y1: float, x2: float, y2: float, text: str, near_start: bool, width: float) -> str:
    # The label sits beside the end that belongs to one box only, so labels of
    # arrows that meet at the current document never overlap; it goes on the
    # side of the line where it fits inside the drawing.
    ty = y1 + LINE if near_start else y2 - 8
    x = x1 if near_start else x2
    room = len(text) * (FONT - 1) * 0.6
    tx, anchor = (x + 6, "start") if x + 6 + room <= width else (x - 6, "end")
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="currentColor" stroke-width="1.5" '
            f'marker-end="url(#arrow)"/>'
            f'<text x="{tx}" y="{ty}" text-anchor="{anchor}" font-size="{FONT - 1}" fill="currentColor">'
            f'{_e(text)}</text>')


def _box(x: float, y: float, text: str, link: str | None, current: bool = False) -> str:
    lines = _wrap(text)
    cls = "plan-diagram-node plan-diagram-current" if current else "plan-diagram-node"
    out = [f'<g class="{cls}">',
           f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" '
           f'fill="{"currentColor" if current else "none"}" fill-opacity="{0.12 if current else 0}" '
           f'stroke="currentColor"/>']
    first = y + BOX_H / 2 - (len(lines) - 1) * LINE / 2 + FONT / 3
    for i, line in enumerate(lines):
        out.append(f'<text x="{x + BOX_W / 2}" y="{first + i * LINE}" text-anchor="middle" font-size="{FONT}" '
                   f'fill="currentColor">{_e(line)}</text>')
    out.append("</g>")
    body = "".join(out)
    return f'<a href="{_e(link)}">{body}</a>' if link else body


def _wrap(text: str) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > CHARS_PER_LINE:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])[: CHARS_PER_LINE - 1] + "…"]
    return lines


def _e(text: str) -> str:
    return html.escape(text, quote=True)
