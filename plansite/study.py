"""Views of the question bank: Ôn tập pages, the trainers' quiz and reading progress.

- `pages(renderer)`: the Ôn tập pages (whole plan, each section, each unit),
  the printable handout, its answer key and the trainers' page;
- `static_files(...)`: short URLs k/<question id>/, their QR codes and the CSV;
- `progress_data(...)`: what assets/study.js needs to track reading progress
  (a script, not JSON to fetch: pages work from file://);
- `lost_link(...)`: what the lockfile check says of a question link that no
  longer resolves.

No MkDocs here: the renderer and the hooks call in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Container, Iterable

from . import model as m
from .areas import script_data
from .cache import NO_CACHE, DiskCache
from .opendata import spreadsheet_cell as _cell
from .paths import (
    STUDY,
    STUDY_CSV,
    STUDY_HANDOUT,
    STUDY_KEY,
    STUDY_TRAINERS,
    md_to_html_path,
    section_path,
    study_section_path,
    study_unit_path,
)
from .permalinks import QR_DIR, SHORT_DIR, QrCode, absolute, add_qr, redirect_page
from .quiz import Kind, Question, QuestionBank, QuestionId, group_ids

PAGE_MIN = 5     # fewer questions on a page is said, never padded
PAGE_MAX = 15
ROLE = m.PageRole.STUDY   # a page role of its own: not canonical (no backlinks), not the plan's text


# -----------------------------------------------------------------------------
# The bank, once per content model
# -----------------------------------------------------------------------------

_BANKS: dict[int, tuple[m.Content, QuestionBank]] = {}


def bank(content: m.Content) -> QuestionBank:
    """The question bank of a content model (built once; hooks and renderer share it)."""
    hit = _BANKS.get(id(content))
    if hit is None or hit[0] is not content:
        _BANKS.clear()  # one model per build: keep only the current one
        hit = _BANKS[id(content)] = (content, QuestionBank(content))
    return hit[1]


# Questions have a namespace of their own under k/ and qr/: their ids never
# meet the plan's (k/<plan id>/, qr/<plan id>.svg).
STUDY_SHORT = f"{SHORT_DIR}/on-tap"
STUDY_QR = f"{QR_DIR}/on-tap"


def short_path(q: Question) -> str:
    return f"{STUDY_SHORT}/{q.id}/"


def qr_path(q: Question) -> str:
    return f"{STUDY_QR}/{q.id}.svg"


def handout_target(q: Question) -> str:
    """Where a question's short URL lands: its place in the handout (interactive on screen)."""
    return f"{md_to_html_path(STUDY_HANDOUT)}#{q.id}"


# -----------------------------------------------------------------------------
# Pages
# -----------------------------------------------------------------------------

def pages(r) -> list:
    """Every Ôn tập page, rendered by `r` (a render.Renderer)."""
    c = r.content
    L = c.labels["study"]
    b = bank(c)
    sections = [(s, b.select(b.of_section(s), s.id, PAGE_MAX)) for s in c.plan.sections]
    units = []
    for u in c.units:
        own, inherited = b.of_unit(u.id)
        # The unit's own duties first; shared ones fill the page up to PAGE_MAX.
        chosen = b.select(own, u.id, PAGE_MAX)
        chosen += b.select(inherited, u.id, PAGE_MAX - len(chosen))
        duties = bool(r.graph.assignments_of(u.id)) or any(
            r.graph.assignments_of(g) for g in _groups(c, u.id))  # own, or shared through a group
        units.append((u, chosen, {q.id for q in inherited}, duties))
    whole = b.select(b.questions, c.plan.id, PAGE_MAX)
    out = [r.page("study/quiz.md.j2", STUDY, L["plan_title"], ROLE, questions=whole, inherited=set(),
                  note=_note(L, whole, True), index={"sections": sections, "units": units},
                  study_section_path=study_section_path, study_unit_path=study_unit_path)]
    for s, chosen in sections:
        title = L["section_title"].format(number=s.number, title=s.title.capitalize())
        out.append(r.page("study/quiz.md.j2", study_section_path(s), title, ROLE, questions=chosen,
                          inherited=set(), note=_note(L, chosen, True), index=None,
                          intro_link=(section_path(s), f"{s.number}. {s.title.capitalize()}")))
    for u, chosen, inherited_ids, duties in units:
        groups = [c.unit(g).name for g in _groups(c, u.id)]
        note = _note(L, chosen, duties) if duties else L["unit_none"]
        out.append(r.page("study/quiz.md.j2", study_unit_path(u.id), L["unit_title"].format(name=u.name), ROLE,
                          questions=chosen, inherited=inherited_ids, note=note, index=None, unit=u, groups=groups))
    numbered = list(enumerate(b.questions, 1))
    out += [
        r.page("study/handout.md.j2", STUDY_HANDOUT, L["handout"]["title"], ROLE, numbered=numbered),
        r.page("study/key.md.j2", STUDY_KEY, L["key"]["title"], ROLE, numbered=numbered),
        r.page("study/trainers.md.j2", STUDY_TRAINERS, L["trainers"]["title"], ROLE, numbered=numbered,
               counts=_counts(b), short_path=short_path, qr_path=qr_path,
               short_url=lambda q: absolute(r.site_url, short_path(q))),
    ]
    return out


def nav(content: m.Content) -> dict:
    """The Ôn tập entry of the nav."""
    return {content.labels["study"]["title"]: [
        STUDY, *(study_section_path(s) for s in content.plan.sections),
        *(study_unit_path(u.id) for u in content.units), STUDY_HANDOUT, STUDY_KEY, STUDY_TRAINERS]}


def _groups(content: m.Content, unit_id: str) -> list[str]:
    return list(group_ids(content, unit_id))


def _note(L: dict, chosen: list, has_data: bool) -> str | None:
    """What a page says about its number of questions (nothing when it has enough).

    >>> L = {"none": "Chưa có câu hỏi.", "few": "Chỉ có {n} câu hỏi."}
    >>> _note(L, [], True), _note(L, [], False), _note(L, ["q1", "q2"], True), _note(L, ["q"] * PAGE_MIN, True)
    ('Chưa có câu hỏi.', None, 'Chỉ có 2 câu hỏi.', None)
    """
    if not chosen:
        return L["none"] if has_data else None
    if len(chosen) < PAGE_MIN:
        return L["few"].format(n=len(chosen))
    return None


def _counts(b: QuestionBank) -> list[tuple[str, int]]:
    counts = b.counts()
    return [(k.value, counts[k.value]) for k in Kind if k.value in counts]


# -----------------------------------------------------------------------------
# Static files: short URLs, QR codes, CSV
# -----------------------------------------------------------------------------

def static_files(content: m.Content, site_url: str | None, cache: DiskCache = NO_CACHE,
                 later: dict[str, QrCode] | None = None) -> dict[str, str | bytes]:
    b = bank(content)
    labels = content.labels["redirect"]
    files: dict[str, str | bytes] = {}
    for q in b.questions:
        path = f"{short_path(q)}index.html"
        files[path] = redirect_page(path, handout_target(q), labels)
        add_qr(files, qr_path(q), QrCode(absolute(site_url, short_path(q)), q.text), cache, later)  # later: permalinks
    for q in b.questions:  # the short URLs of its old ids (a renamed element's) keep landing on it
        for old in q.moved_from:
            path = f"{STUDY_SHORT}/{old}/index.html"
            files[path] = redirect_page(path, handout_target(q), labels)
    files[STUDY_CSV] = csv_bytes(content, site_url)
    return files


def lost_link(page: str, anchor: str | None, relation_types: Iterable[str] = (),
              present: Container[str] = ()) -> str | None:
    """What to do about a published question link that no longer resolves — the
    handout's #<question id> or the short URL k/on-tap/<question id>/ — for the
    lockfile check (permalinks.check_manifest); None for any other link.
    `present`: the ids still in the content (plan elements, documents, terms) —
    a question can go while what it asked about stays (its wording or its
    duties changed), and then no rename explains it.

    >>> lost_link("on-tap/phat-tay.html", "tg-II-3").split(": ")[0]
    "the Ôn tập question 'tg-II-3' is no longer asked"
    >>> "add `moved_from: [II-3]` to the plan element" in lost_link("k/on-tap/tg-II-3/index.html", None)
    True
    >>> "'II-3' is still in the content" in lost_link("on-tap/phat-tay.html", "tg-II-3", present={"II-3"})
    True
    >>> lost_link("muc/II.html", "II-3"), lost_link("k/on-tap/xx-1/index.html", None)
    (None, None)
    """
    if anchor is None and page.startswith(f"{STUDY_SHORT}/") and page.endswith("/index.html"):
        qid = QuestionId.parse(page[len(STUDY_SHORT) + 1: -len("/index.html")], relation_types)
    elif anchor is not None and page == md_to_html_path(STUDY_HANDOUT):
        qid = QuestionId.parse(anchor, relation_types)
    else:
        return None
    if qid is None:
        return None
    if qid.about in present:
        return (f"the Ôn tập question '{qid}' is no longer asked, though '{qid.about}' is still in the content: "
                f"what the question asked changed (a sentence it quoted, a duty, a timing, a citation); if that "
                f"edit is meant, delete the question's entries from the lockfile in the same commit")
    if qid.kind is Kind.ABBREVIATION:  # a glossary term has no moved_from: its id is for good
        rename = f"if the term '{qid.about}' was renamed, give it back its id in content/glossary.yaml"
    else:
        what, where = (("document", "documents.yaml") if qid.kind is Kind.RELATION else ("plan element", "plan.yaml"))
        rename = (f"if the {what} '{qid.about}' was renamed, add `moved_from: [{qid.about}]` to the {what} that "
                  f"replaces it in content/{where} (the question's old id and short URL then land on it)")
    return (f"the Ôn tập question '{qid}' is no longer asked: {rename}; if the question is gone on purpose "
            f"(the fact it asked was removed), delete its entry from the lockfile in the same commit")


def csv_bytes(content: m.Content, site_url: str | None) -> bytes:
    """The quiz as CSV, UTF-8 with BOM (spreadsheets and form tools read Vietnamese right)."""
    L = content.labels["study"]
    C = L["csv"]
    letters = L["letters"]
    b = bank(content)
    width = max((len(q.options) for q in b.questions), default=0)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([C["number"], C["id"], C["kind"], C["question"],
                     *(C["option"].format(letter=letters[i].upper()) for i in range(width)),
                     C["letter"], C["answer"], C["passage"], C["short_url"]])
    for n, q in enumerate(b.questions, 1):
        text = q.text + (f" “{q.quote}”" if q.quote else "")
        options = [o.text for o in q.options] + [""] * (width - len(q.options))
        answer_at = [o.key for o in q.options].index(q.answer)
        passage = absolute(site_url, f"{md_to_html_path(q.passage.page)}#{q.passage.anchor}")
        writer.writerow([n, q.id, *map(_cell, [L["kinds"][q.kind.value], text, *options]), letters[answer_at].upper(),
                         _cell(q.correct.text), passage, absolute(site_url, short_path(q))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# -----------------------------------------------------------------------------
# Reading progress
# -----------------------------------------------------------------------------

def progress_items(content: m.Content) -> list[dict]:
    """Per section: what a reader marks read — its tasks, or the section itself if it has none."""
    out = []
    for s in content.plan.sections:
        tasks = [b.id for b in s.walk() if b.kind == m.BlockKind.TASK]
        out.append({"id": s.id, "page": md_to_html_path(section_path(s)),
                    "title": f"{s.number}. {s.title.capitalize()}", "items": tasks or [s.id]})
    return out


def progress_data(content: m.Content) -> str:
    """assets/study-data.js: labels and the items of reading progress for assets/study.js."""
    L = content.labels["study"]
    labels = {k: v for k, v in L.items() if isinstance(v, str)}
    data = {"storage": f"plansite-study:{content.plan.id}", "labels": labels, "progress": L["progress"],
            "sections": progress_items(content)}
    return script_data("STUDY", data)
