"""A relation diagram for one document, drawn as inline SVG at build time
(no JavaScript, no network): what it relates to on the right, what relates to
it on the left."""

from __future__ import annotations

import html
from typing import Callable

from . import model as m

BOX_W, BOX_H, GAP_Y, COL_GAP = 250, 44, 16, 90
CHARS_PER_LINE = 34


def relation_svg(graph, doc: m.Document, label: Callable[[m.Document], str],
                 href: Callable[[str], str] | None = None) -> str:
    left = graph.relations_in(doc)
    right = graph.relations_out(doc)
    rows = max(len(left), len(right), 1)
    height = rows * (BOX_H + GAP_Y) + GAP_Y
    width = 3 * BOX_W + 2 * COL_GAP + 20
    cx = 10 + BOX_W + COL_GAP
    cy = (height - BOX_H) / 2
    parts = [f'<svg class="plan-diagram" xmlns="http://www.w3.org/2000/svg" role="group" '
             f'viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{_e(label(doc))}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
             'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
             'fill="currentColor"/></marker></defs>']
    parts.append(_box(cx, cy, label(doc), None, current=True))

    def column(items, x, from_left):
        ys = _rows(len(items), height)
        for (rtype, other), y in zip(items, ys):
            parts.append(_box(x, y, label(other), href(other.id) if href else None))
            if from_left:   # other → doc
                x1, y1, x2, y2 = x + BOX_W, y + BOX_H / 2, cx, cy + BOX_H / 2
                text = rtype.forward
            else:           # doc → other
                x1, y1, x2, y2 = cx + BOX_W, cy + BOX_H / 2, x, y + BOX_H / 2
                text = rtype.forward
            parts.append(f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="currentColor" '
                         f'stroke-width="1.5" marker-end="url(#arrow)"/>')
            parts.append(f'<text x="{(x1 + x2) / 2}" y="{(y1 + y2) / 2 - 6}" text-anchor="middle" '
                         f'font-size="12" fill="currentColor">{_e(text)}</text>')

    column(left, 10, True)
    column(right, cx + BOX_W + COL_GAP, False)
    parts.append("</svg>")
    return "".join(parts)


def _rows(n: int, height: float) -> list[float]:
    total = n * BOX_H + (n - 1) * GAP_Y
    top = (height - total) / 2
    return [top + i * (BOX_H + GAP_Y) for i in range(n)]


def _box(x: float, y: float, text: str, link: str | None, current: bool = False) -> str:
    lines = _wrap(text)
    cls = "plan-diagram-node plan-diagram-current" if current else "plan-diagram-node"
    out = [f'<g class="{cls}">',
           f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="6" '
           f'fill="{"currentColor" if current else "none"}" fill-opacity="{0.12 if current else 0}" '
           f'stroke="currentColor"/>']
    first = y + BOX_H / 2 - (len(lines) - 1) * 7 + 4
    for i, line in enumerate(lines):
        out.append(f'<text x="{x + BOX_W / 2}" y="{first + i * 14}" text-anchor="middle" font-size="12" '
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
