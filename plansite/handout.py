"""The trainers' handout: every citable element, grouped by section, with its
number, the first line of its text, its short URL, citation and QR code.

The plan's title is said once at the top of the handout, so an entry shows
only its place ("Mục II, nhiệm vụ 4"); the copy button still copies the full
citation. Each section also gets a handout of its own.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model as m
from .permalinks import Citable, citables

FIRST_LINE = 110  # characters: one printed line of the two-column A4 handout, about


@dataclass(frozen=True)
class Entry:
    citable: Citable
    place: str        # the citation without the plan's title: "Mục II, nhiệm vụ 4"
    first_line: str   # the citable element's title or text, cut at a word to about one line


@dataclass(frozen=True)
class Group:
    id: str                      # section id, or "can-cu", "chu-thich", "van-ban"
    title: str
    entries: tuple[Entry, ...]
    section: m.Section | None = None


def first_line(text: str | None, limit: int = FIRST_LINE) -> str:
    """The start of a text, whole words, with "…" when cut.

    >>> first_line("Tăng cường công tác tiếp công dân, đối thoại.[^fn-1]", 30)
    'Tăng cường công tác tiếp công…'
    >>> first_line("Thường xuyên.")
    'Thường xuyên.'
    """
    plain = " ".join(m.FOOTNOTE_REF.sub("", text or "").split())
    if len(plain) <= limit:
        return plain
    cut = plain[: limit + 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def handout_groups(content: m.Content) -> list[Group]:
    """The handout's groups in the plan's order, then the cited documents (every
    short URL appears once: the handout is also their index)."""
    L = content.labels
    joiner = L["cite"]["joiner"]
    by_id = {c.id: c for c in citables(content)}
    texts = _texts(content)

    def entry(ident: str) -> Entry:
        citable = by_id[ident]
        place = content.document_label(content.document(ident)) if citable.kind is m.CitableKind.DOCUMENT \
            else citable.citation.split(joiner)[0]
        return Entry(citable, place, first_line(texts.get(ident)))

    plan = content.plan
    groups: list[Group] = []
    if plan.preamble:
        groups.append(Group("can-cu", L["cite"]["preamble"], tuple(entry(b.id) for b in plan.preamble)))
    for s in plan.sections:
        ids = [s.id, *(b.id for b in s.walk())]
        groups.append(Group(s.id, f"{s.number}. {s.title}", tuple(entry(i) for i in ids if i in by_id), s))
    notes = _footnote_ids(plan)
    if notes:
        groups.append(Group("chu-thich", L["readers"]["handout"]["footnotes"], tuple(entry(i) for i in notes if i in by_id)))
    if plan.recipients:
        groups.append(Group("noi-nhan", L["cite"]["recipients"],
                            tuple(entry(e.id) for e in plan.recipients.entries)))
    docs = [d.id for d in content.documents]
    if docs:
        groups.append(Group("van-ban", L["trainers"]["documents"], tuple(entry(i) for i in docs)))
    return groups


def _footnote_ids(plan: m.Plan) -> list[str]:
    out = []
    for f in plan.footnotes:
        out.append(f.id)
        for block in f.blocks:
            out += [b.id for b in block.walk()]
    return out


def _texts(content: m.Content) -> dict[str, str]:
    """id -> the text an entry starts with: a title, else the text."""
    plan = content.plan
    out: dict[str, str] = {}
    for s in plan.sections:
        out[s.id] = s.title
    for block in plan.walk():
        out[block.id] = block.title or block.text or ""
    for f in plan.footnotes:
        out[f.id] = next((b.text for b in f.blocks if b.text), "")
    for d in content.documents:
        out[d.id] = d.subject or ""
    if plan.recipients:
        for e in plan.recipients.entries:
            out[e.id] = e.text
    return out
