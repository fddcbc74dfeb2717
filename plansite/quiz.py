"""Self-check questions generated from the content model, never written by hand.

Every question asks for a fact the model holds — who carries a block and in
which role, its timing as written, what a document implements, which
documents a footnote lists, what an abbreviation stands for, which task or
purpose a quoted sentence belongs to — and names the plan element whose text
answers it. Distractors are drawn from the same plan. Wording comes from the
`study:` group of content/labels.yaml; a question whose template is missing
there is not asked.

Deterministic: the options and their order come from a seed hashed from the
content, so a trainer and a learner see the same set.

Linear in the content: the candidates of each kind (units, timings, tasks,
documents, abbreviations) are gathered once per bank into a `Pool`, and a
question looks at no more than POOL_LIMIT of them; a quote's uniqueness is
looked up in an index of the owners' words, not in every other owner's text.

>>> ' '.join(fragments('Một hai ba bốn năm sáu. Bảy tám; chín mười.'))
'Một hai ba bốn năm sáu Bảy tám chín mười'
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Generic, TypeVar

from . import model as m
from .graph import Graph
from .paths import GLOSSARY, element_paths

# A sentence or a clause: ends at . ; ! ? followed by a space (the plan's
# clauses are separated by semicolons; "./." closes a section).
FRAGMENT_END = re.compile(r"(?<=[.;!?])\s+")
WORD = re.compile(r"\w+")  # a run of letters and digits: how texts_using indexes the plan
MAX_OPTIONS = 4            # one answer and up to three distractors
MIN_OPTIONS = 2            # fewer is no question
QUOTE_WORDS = (8, 45)      # a quoted fragment is 8 to 45 words long
EXCERPT_WORDS = 12         # a block named by its opening words
POOL_LIMIT = 32            # candidates a question looks at (a larger pool is sampled: see Pool)


class Kind(StrEnum):
    """What a question asks; the value is its key under study.kinds / study.templates."""

    LEAD = "lead"                    # chủ trì
    SUPPORT = "support"              # phối hợp
    IMPLEMENTER = "implementer"      # thực hiện (a role of its own)
    CARRIER = "carrier"              # the only role the block names
    TIMING = "timing"
    RELATION = "relation"            # which document a document implements (documents.yaml)
    FOOTNOTE = "footnote"            # which document a footnote lists
    ABBREVIATION = "abbreviation"    # glossary
    TASK_QUOTE = "task_quote"        # which task a quoted sentence belongs to
    PURPOSE_QUOTE = "purpose_quote"  # which purpose (mục I) a statement comes from


@dataclass(frozen=True)
class Option:
    key: str    # stable within the question (a unit, document, task id…)
    text: str


@dataclass(frozen=True)
class Passage:
    """The plan text that answers a question, and where it lives."""

    page: str     # .md page of the anchor
    anchor: str   # element id on that page
    text: str     # shown after answering (plain text, footnote marks as "(1)")


# The code that opens a question's id, by kind (its short URL is k/on-tap/<id>/).
CODES = {Kind.LEAD: "ct", Kind.SUPPORT: "ph", Kind.IMPLEMENTER: "th", Kind.CARRIER: "dv",   # chủ trì, phối hợp…
         Kind.TIMING: "tg", Kind.TASK_QUOTE: "nv", Kind.PURPOSE_QUOTE: "md",               # thời gian, nhiệm vụ, mục
         Kind.RELATION: "vb", Kind.FOOTNOTE: "cth", Kind.ABBREVIATION: "vt"}               # văn bản, chú thích, viết tắt


@dataclass(frozen=True)
class QuestionId:
    """A question's id says what it asks about: <code of its kind>-<id of the plan
    element, document or term>, a relation question's with -<relation type> after
    it. The element's old ids (moved_from) give the question's old ids, which keep
    answering (an anchor on the handout, a short URL): trainers' links follow renames.

    >>> str(QuestionId(Kind.TIMING, "II-3")), str(QuestionId(Kind.RELATION, "ct-33", "implements"))
    ('tg-II-3', 'vb-ct-33-implements')
    >>> QuestionId(Kind.TIMING, "II-3-moi").was(["II-3"])
    ('tg-II-3',)
    >>> QuestionId.parse("cth-fn-1-p1"), QuestionId.parse("vb-ct-33-implements", ["implements"]).about
    (QuestionId(kind=<Kind.FOOTNOTE: 'footnote'>, about='fn-1-p1', relation=None), 'ct-33')
    >>> QuestionId.parse("zz-1") is None
    True
    >>> q = QuestionId(Kind.RELATION, "kh_12", "based_on")
    >>> str(q), QuestionId.parse(str(q), ["based_on"]) == q
    ('vb-kh_12-based-on', True)
    """

    kind: Kind
    about: str                   # the element, document or term
    relation: str | None = None  # a relation question's type

    def __str__(self) -> str:
        if self.relation:
            # The relation type's "_" reads as "-" in a URL; the id is kept as written
            # (ids may hold "_"; documents a_b and a-b are two questions).
            return f"{CODES[self.kind]}-{self.about}-{self.relation.replace('_', '-')}"
        return f"{CODES[self.kind]}-{self.about}"

    def was(self, old_ids: Iterable[str]) -> tuple[str, ...]:
        """The ids this question had when what it asks about had `old_ids`."""
        return tuple(str(replace(self, about=old)) for old in old_ids)

    @classmethod
    def parse(cls, text: str, relation_types: Iterable[str] = ()) -> QuestionId | None:
        code, _, rest = text.partition("-")
        kind = next((k for k, c in CODES.items() if c == code), None)
        if kind is None or not rest:
            return None
        if kind is Kind.RELATION:
            for rtype in relation_types:
                suffix = "-" + rtype.replace("_", "-")
                if rest.endswith(suffix) and len(rest) > len(suffix):
                    return cls(kind, rest[: -len(suffix)], rtype)
        return cls(kind, rest)


@dataclass(frozen=True)
class Question:
    id: str                          # ASCII (a QuestionId); its short URL is k/on-tap/<id>/
    kind: Kind
    text: str
    quote: str | None                # a quoted sentence the question is about
    options: tuple[Option, ...]      # in the seeded order
    answer: str                      # key of the correct option
    passage: Passage
    sections: tuple[str, ...]        # sections whose text it is about
    units: tuple[str, ...]           # units whose duty it is about
    moved_from: tuple[str, ...] = ()  # its earlier ids (of renamed elements): they still answer

    @property
    def correct(self) -> Option:
        return next(o for o in self.options if o.key == self.answer)


# -----------------------------------------------------------------------------
# Adapters: the only places that read responsibility, timing and numbering
# -----------------------------------------------------------------------------

ROLES = ("lead", "implementer", "support")


def carriers(element) -> list[tuple[str, tuple[str, ...]]]:
    """(role, unit ids) for each role an element's own responsibility names, in ROLES order."""
    r = element.responsibility
    if r is None:
        return []
    return [(role, units) for role, units in zip(ROLES, (r.lead, r.implementers, r.support)) if units]


def responsibility_wording(element, role: str) -> str | None:
    """The printed line(s) naming the units of `role` ("Cơ quan chủ trì: Văn phòng Sở"),
    else the responsibility's own line ("Đơn vị thực hiện: …"), or None (an annotation)."""
    r = element.responsibility
    fields = [p.field for p in r.parties if p.field and p.role.value == role] or ([r.field] if r.field else [])
    lines = [f"{f.label}: {f.text}" if f.label and f.text else (f.text or "") for f in fields]
    return " ".join(x for x in lines if x) or None


def is_request(element) -> bool:
    """Asked of a body outside the issuer (Đề nghị) rather than assigned (Giao)."""
    return element.responsibility.mode == m.Mode.REQUEST


def timing_wording(element) -> str | None:
    """The element's own timing as written, or None (never asked about then)."""
    return element.timing.text if element.timing is not None and element.timing.text else None


def group_ids(content: m.Content, unit_id: str) -> tuple[str, ...]:
    """Groups a unit belongs to, nearest first."""
    return tuple(g.id for g in content.groups_of(unit_id))


def group_kin(content: m.Content) -> dict[str, set[str]]:
    """Per unit: the unit, its groups and its members — none of them is a wrong answer
    where the unit is right (one pass over the units, not one per unit)."""
    members: dict[str, set[str]] = {}
    for u in content.units:
        for g in group_ids(content, u.id):
            members.setdefault(g, set()).add(u.id)
    return {u.id: {u.id, *group_ids(content, u.id), *members.get(u.id, ())} for u in content.units}


# -----------------------------------------------------------------------------
# Text helpers
# -----------------------------------------------------------------------------

def plain(text: str | None, labels: dict[str, str]) -> str:
    """Plan text for reading: [^fn-1] becomes "(1)", whitespace collapsed."""
    if not text:
        return ""
    text = m.FOOTNOTE_REF.sub(lambda mt: f"({labels.get(mt.group(1), mt.group(1))})", text)
    return " ".join(text.split())


def fragments(text: str) -> list[str]:
    """Sentences and clauses of a text, without their closing punctuation."""
    out = []
    for part in FRAGMENT_END.split(" ".join(text.split())):
        part = part.rstrip(" .;:!?/")
        if part:
            out.append(part)
    return out


def words(text: str, n: int, ellipsis: str) -> str:
    parts = text.split()
    return " ".join(parts[:n]) + (ellipsis if len(parts) > n else "")


def clean_title(title: str) -> str:
    return " ".join(title.split()).rstrip(" .")


def content_seed(content: m.Content) -> str:
    """A hash of everything a question can be made from (and of its wording)."""
    data = repr((content.plan, content.documents, content.units, content.terms, content.kinds,
                 content.relation_types, content.labels.get("study")))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:16]


def texts_using(forms: dict[str, tuple[str, ...]], texts: list[str]) -> dict[str, list[int]]:
    """For each key, the indexes of the texts where one of its forms stands as whole words.

    Each text is split into words once; a form is looked for (with a regex)
    only in the texts holding its first word, so the cost grows with the
    content, not with terms × paragraphs.

    >>> texts_using({"ubnd": ("UBND", "UBND tỉnh"), "x": ("-X",)}, ["UBND tỉnh", "UBNDs", "a -X"])
    {'ubnd': [0], 'x': [2]}
    """
    words: dict[str, set[int]] = {}
    for i, text in enumerate(texts):
        for word in set(WORD.findall(text)):
            words.setdefault(word, set()).add(i)
    out = {}
    for key, variants in forms.items():
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in variants) + r")(?!\w)")
        # A form that starts with a letter starts with a whole word of any text it stands in.
        firsts = [WORD.match(f) for f in variants]
        candidates = (set().union(*(words.get(m.group(), set()) for m in firsts if m))
                      if all(firsts) else range(len(texts)))
        out[key] = [i for i in sorted(candidates) if pattern.search(texts[i])]
    return out


# -----------------------------------------------------------------------------
# Candidates: gathered once per bank, looked up per question
# -----------------------------------------------------------------------------

T = TypeVar("T")


class Pool(Generic[T]):
    """The candidates for wrong options of one kind, gathered once per bank.

    A question takes POOL_LIMIT of them at most, of those its `keep` accepts
    (not the answer, nothing related to it): all of a small pool, in its order
    (the real plan's pools are small), else the first it accepts in an order
    seeded by the question, read only as far as it needs — so a question costs
    the same whatever the plan's size, and the bank grows with the content, not
    with its square. Candidates are drawn until enough are accepted, not drawn
    and then filtered: whether a question has its options depends on the facts
    alone, never on the sample (which any edit of the content reseeds), and a
    published question never vanishes by chance. With `group`, a question can
    leave out a whole group (the documents related to the one it asks about): in
    a large pool a group's candidates sit together, and are skipped unread.

    >>> Pool("abc").draw(random.Random(1))  # small: all of it, in order
    ['a', 'b', 'c']
    >>> big = Pool(range(1000))               # large: a sample, the same for the same seed
    >>> drawn = big.draw(random.Random(1))
    >>> len(set(drawn)) == POOL_LIMIT and drawn == big.draw(random.Random(1)) != big.draw(random.Random(2))
    True
    >>> rare = big.draw(random.Random(1), keep=lambda n: n % 100 == 0)  # drawn until found
    >>> sorted(rare) == list(range(0, 1000, 100))
    True
    >>> tens = Pool(range(100), group=lambda n: n // 10)
    >>> drawn = tens.draw(random.Random(1), outside=3)
    >>> len(set(drawn)) == POOL_LIMIT and not any(30 <= n < 40 for n in drawn)
    True
    >>> Pool("aab", group=ord).draw(random.Random(1), outside=ord("a"))
    ['b']
    """

    def __init__(self, items: Iterable[T], group: Callable[[T], int] | None = None):
        self.items = list(items)
        self.group = group
        self.spans: dict[int, range] = {}  # group -> where its items sit (a large pool only)
        if group is not None and len(self.items) > POOL_LIMIT:
            self.items.sort(key=group)  # stable: within a group, the pool's own order
            for i, item in enumerate(self.items):
                span = self.spans.get(group(item))
                self.spans[group(item)] = range(span.start if span else i, i + 1)

    def draw(self, rng: random.Random, outside: int | None = None,
             keep: Callable[[T], bool] | None = None) -> list[T]:
        """Up to POOL_LIMIT candidates `keep` accepts, none of group `outside`, in the pool's order.
        `keep` is called before this returns, never kept: a lambda over the caller's loop
        variables is safe (hence its callers' `noqa: B023`)."""
        accepts = keep or (lambda item: True)
        if len(self.items) <= POOL_LIMIT:
            group = self.group
            return [x for x in self.items
                    if (outside is None or group is None or group(x) != outside) and accepts(x)]
        skip = self.spans.get(outside, range(0)) if outside is not None else range(0)
        picks: list[int] = []
        for i in shuffled(rng, len(self.items) - len(skip)):
            i += len(skip) if i >= skip.start else 0
            if accepts(self.items[i]):
                picks.append(i)
                if len(picks) == POOL_LIMIT:
                    break
        return [self.items[i] for i in sorted(picks)]


def shuffled(rng: random.Random, n: int) -> Iterator[int]:
    """0…n-1 in an order seeded by `rng`, each read in constant time: a
    Fisher–Yates shuffle done lazily, only as far as the reader goes.

    >>> sorted(shuffled(random.Random(1), 5)), list(shuffled(random.Random(1), 5)) == list(shuffled(random.Random(1), 5))
    ([0, 1, 2, 3, 4], True)
    """
    moved: dict[int, int] = {}  # position -> what a swap put there
    for i in range(n):
        j = rng.randrange(i, n)
        yield moved.get(j, j)
        moved[j] = moved.get(i, i)


class Quotes:
    """The texts of a set of owners (the plan's tasks, a section's items), indexed by
    runs of three words, to tell whether a fragment of one owner's text stands in
    another's: only the owners sharing the fragment's rarest run are read, not
    every other owner's text for every fragment.

    >>> q = Quotes({"a": ["Một hai ba bốn năm sáu bảy tám."], "b": ["Hai ba bốn năm sáu bảy."]})
    >>> q.unique("a", "Một hai ba bốn năm sáu"), q.unique("a", "hai ba bốn năm"), q.unique("b", "Hai ba bốn")
    (True, False, False)
    """

    def __init__(self, texts: dict[str, list[str]]):
        self.folded = {owner: " ".join(parts).casefold() for owner, parts in texts.items()}
        # run -> its owner, or the set of its owners when several share it. Strings,
        # not tuples and sets for each run: objects the garbage collector would
        # walk again and again while the index grows (16× the time at 5× the text).
        self.runs: dict[str, str | set[str]] = {}
        for owner, text in self.folded.items():
            ws = text.split()
            for i in range(len(ws) - 2):
                run = f"{ws[i]} {ws[i + 1]} {ws[i + 2]}"
                held = self.runs.setdefault(run, owner)
                if isinstance(held, set):
                    held.add(owner)
                elif held != owner:
                    self.runs[run] = {held, owner}

    def holders(self, run: str) -> Collection[str]:
        held = self.runs.get(run, ())
        return (held,) if isinstance(held, str) else held

    def unique(self, owner: str, fragment: str) -> bool:
        """True when no other owner's text holds `fragment` (case aside)."""
        folded = fragment.casefold()
        # Wherever the fragment stands, its inner words are whole words there (its
        # first and last may be the ends of longer ones): a text without one of
        # its inner runs cannot hold it.
        inner = folded.split()[1:-1]
        runs = [self.holders(" ".join(inner[i:i + 3])) for i in range(len(inner) - 2)]
        holders = min(runs, key=len) if runs else self.folded.keys()
        return not any(folded in self.folded[o] for o in holders if o != owner)


# -----------------------------------------------------------------------------
# The generator
# -----------------------------------------------------------------------------

class QuestionBank:
    """Every question the content supports, in plan order, and selections of them."""

    def __init__(self, content: m.Content):
        self.content = content
        self.L = content.labels["study"]
        self.seed = content_seed(content)
        self.graph = Graph(content)
        self.number_of = self.graph.number  # hierarchical: "II.4", "III (gạch đầu dòng 2)"
        self.where = element_paths(content)
        self.footnote_labels = {f.id: f.label for f in content.plan.footnotes}
        self.kin = group_kin(content)
        self.section_of: dict[str, m.Section] = {}
        home: dict[str, m.Section] = {}  # a footnote belongs with the first section that marks it
        for s in content.plan.sections:
            for b in s.walk():
                self.section_of[b.id] = s
                for mark in m.FOOTNOTE_REF.finditer(f"{b.text or ''} {b.title or ''}"):
                    home.setdefault(mark.group(1), s)
        for f in content.plan.footnotes:
            for b in f.blocks:
                for bb in b.walk():
                    if f.id in home:
                        self.section_of[bb.id] = home[f.id]
        questions = tuple(self._generate())
        live = {q.id for q in questions}  # an old id that is a question's id again is that question's
        self.questions: tuple[Question, ...] = tuple(
            replace(q, moved_from=tuple(o for o in q.moved_from if o not in live)) if live & set(q.moved_from) else q
            for q in questions)
        self.by_id = {q.id: q for q in self.questions}
        # The questions of each section and unit (positions in the bank), for their pages.
        self._of_section: dict[str, list[int]] = {}
        self._of_unit: dict[str, list[int]] = {}
        for i, q in enumerate(self.questions):
            for index, keys in ((self._of_section, q.sections), (self._of_unit, q.units)):
                for key in dict.fromkeys(keys):
                    index.setdefault(key, []).append(i)

    # -- selections ----------------------------------------------------------

    def select(self, questions: Iterable[Question], key: str, limit: int = 15) -> list[Question]:
        """Up to `limit` questions, kinds interleaved, the same for the same content and key."""
        rng = self._rng("select", key)
        groups: dict[Kind, list[Question]] = {}
        for q in questions:
            groups.setdefault(q.kind, []).append(q)
        for group in groups.values():
            rng.shuffle(group)
        kinds = sorted(groups, key=lambda k: k.value)
        rng.shuffle(kinds)
        out: list[Question] = []
        while len(out) < limit and any(groups.values()):
            for kind in kinds:
                if groups[kind] and len(out) < limit:
                    out.append(groups[kind].pop(0))
        return out

    def of_section(self, section: m.Section) -> list[Question]:
        return [self.questions[i] for i in self._of_section.get(section.id, ())]

    def of_unit(self, unit_id: str) -> tuple[list[Question], list[Question]]:
        """(own, inherited): questions on the unit's duties and on those of its groups."""
        own = self._of_unit.get(unit_id, [])
        mine = set(own)
        shared = {i for g in group_ids(self.content, unit_id) for i in self._of_unit.get(g, ()) if i not in mine}
        return [self.questions[i] for i in own], [self.questions[i] for i in sorted(shared)]

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for q in self.questions:
            out[q.kind.value] = out.get(q.kind.value, 0) + 1
        return out

    # -- generation ----------------------------------------------------------

    def _rng(self, *parts: str) -> random.Random:
        return random.Random(":".join((self.seed, *parts)))

    def _makers(self) -> tuple[Callable[[], Iterator[Question | None]], ...]:
        """Each kind's generator, in the bank's order."""
        return (self._unit_questions, self._timing_questions, self._quote_questions,
                self._relation_questions, self._footnote_questions, self._abbreviation_questions)

    def _generate(self) -> Iterator[Question]:
        seen: set[str] = set()
        for make in self._makers():
            for q in make():
                if q is None or q.id in seen:
                    continue
                seen.add(q.id)
                yield q

    def _question(self, qid: QuestionId, text: str, answer: Option, distractors: list[Option],
                  passage: Passage, sections: Iterable[str], units: Iterable[str] = (),
                  quote: str | None = None, preferred: int = 0, was: Iterable[str] = ()) -> Question | None:
        """A question with up to three seeded distractors, or None when it cannot be fair.

        The first `preferred` distractors are always kept (they test a
        distinction the plan makes, e.g. lead vs coordinating unit). `was`: the
        old ids (moved_from) of what it asks about.
        """
        rng = self._rng("options", str(qid))
        right = answer.text.casefold()
        pool, texts = [], {right}
        for i, d in enumerate(distractors):  # distinct texts, never the answer's
            # nor one that holds the answer's whole text (it would be right, too)
            if d.text and d.text.casefold() not in texts and right not in d.text.casefold():
                texts.add(d.text.casefold())
                pool.append((i < preferred, d))
            elif i < preferred:
                preferred += 1  # a dropped preferred one leaves its place to the next
        if len(pool) + 1 < MIN_OPTIONS:
            return None
        if answer.text.casefold() in (text + " " + (quote or "")).casefold():
            return None  # the question would state its own answer
        rest = [d for keep, d in pool if not keep]
        rng.shuffle(rest)
        options = [answer] + ([d for keep, d in pool if keep] + rest)[: MAX_OPTIONS - 1]
        rng.shuffle(options)
        return Question(str(qid), qid.kind, text, quote, tuple(options), answer.key, passage,
                        tuple(dict.fromkeys(sections)), tuple(dict.fromkeys(units)), qid.was(was))

    def _passage_of_block(self, block, anchor: str | None = None, text: str | None = None) -> Passage:
        own = getattr(block, "text", None) or block.title  # a section has a title only
        return Passage(self.where[block.id], anchor or block.id,
                       text if text is not None else plain(own, self.footnote_labels))

    def _place(self, section: m.Section, block) -> str:
        P = self.L["place"]
        number = self.number_of(block)
        if block is section:
            return P["section"].format(number=section.number, title=clean_title(section.title.capitalize()))
        if block.kind.is_task and number:
            if block.title:
                return P["task"].format(number=number, title=clean_title(plain(block.title, {})),
                                        section=section.number)
            return P["task_untitled"].format(number=number, section=section.number)
        excerpt = words(plain(block.text or block.title, self.footnote_labels), EXCERPT_WORDS, self.L["ellipsis"])
        if not excerpt:  # a group of bullets: named by its number alone
            return P["untitled"].format(section=section.number, number=number)
        return P["block"].format(excerpt=excerpt.rstrip(" .;:"), section=section.number, number=number)

    def _unit_option(self, ids: tuple[str, ...]) -> Option:
        return Option("+".join(ids), self.L["joiner"].join(self.content.unit(u).name for u in ids))

    # -- who -----------------------------------------------------------------

    def _unit_questions(self) -> Iterator[Question | None]:
        T = self.L["templates"]
        plan = self.content.plan
        # Every set of units the plan assigns anything to, then each internal unit.
        assigned = dict.fromkeys(units for _, el in plan.elements() for _, units in carriers(el))
        singles = ((u.id,) for u in self.content.units if u.kind == m.UnitKind.INTERNAL)
        pool = Pool((units, self._unit_option(units)) for units in dict.fromkeys((*assigned, *singles)))
        for section, el in plan.elements():
            roles = carriers(el)
            if not roles:
                continue
            everyone = [u for _, units in roles for u in units]
            for role, units in roles:
                kind = Kind.CARRIER if len(roles) == 1 else Kind(role)
                template = T.get(f"{kind.value}_request") if is_request(el) else None
                template = template or T.get(kind.value)
                if not template:
                    continue
                kin = set().union(*(self.kin[u] for u in units))
                # Units of the element's other roles come first: they test lead vs coordinating.
                others = [self._unit_option(us) for r, us in roles if r != role and not kin & set(us)]
                qid = QuestionId(kind, el.id)
                distractors = others + [o for _, o in pool.draw(
                    self._rng("pool", str(qid)), keep=lambda c: not kin & set(c[0]) and c[0] != units)]  # noqa: B023
                wording = responsibility_wording(el, role)
                passage = (Passage(self.where[el.id], el.responsibility.id, wording)
                           if wording and el.responsibility else self._passage_of_block(el))
                yield self._question(
                    qid, template.format(place=self._place(section, el)), self._unit_option(units),
                    distractors, passage, [section.id], everyone, preferred=len(others), was=el.moved_from)

    # -- when ----------------------------------------------------------------

    def _timing_questions(self) -> Iterator[Question | None]:
        template = self.L["templates"].get("timing")
        if not template:
            return
        timed = [(s, el) for s, el in self.content.plan.elements() if timing_wording(el)]
        wordings = dict.fromkeys(w for _, b in timed if (w := timing_wording(b)))
        pool = Pool(Option(f"t{i}", w) for i, w in enumerate(wordings))
        for section, block in timed:
            answer = timing_wording(block)
            t = block.timing
            if t is None or not answer:  # never (`timed` has a wording), but the types don't say so
                continue
            # No printed label: an editorial annotation, called so (as the plan's pages do).
            label = t.label or self.content.labels.get("resp", {}).get("timing_annotation") \
                or self.content.labels["task"]["timing"]
            qid = QuestionId(Kind.TIMING, block.id)
            yield self._question(
                qid, template.format(place=self._place(section, block)), Option(t.id, answer),
                pool.draw(self._rng("pool", str(qid)), keep=lambda o: o.text != answer),  # noqa: B023
                Passage(self.where[block.id], t.id, f"{label}: {answer}"),
                [section.id], [u for _, us in carriers(block) for u in us], was=block.moved_from)

    # -- which task, which purpose --------------------------------------------

    def _quote_questions(self) -> Iterator[Question | None]:
        T = self.L["templates"]
        option = self.L["option"]
        plan = self.content.plan
        tasks = [(s, b) for s in plan.sections for b in s.walk() if b.kind == m.BlockKind.TASK]
        if "task_quote" in T and len(tasks) >= MIN_OPTIONS:
            options = [Option(b.id, option["task"].format(number=self.number_of(b) or b.id,
                                                     title=clean_title(plain(b.title or b.text, {}))))
                       for s, b in tasks]
            pool = Pool(options)
            texts = {b.id: self._body_texts(b) for _, b in tasks}
            quotes = Quotes({owner: [t for _, t in pairs] for owner, pairs in texts.items()})
            for (section, task), answer in zip(tasks, options):
                found = self._quote(task.id, texts[task.id], quotes, skip_first=not task.title)
                if found is None:
                    continue
                block, quote = found
                qid = QuestionId(Kind.TASK_QUOTE, task.id)
                yield self._question(
                    qid, T["task_quote"], answer,
                    pool.draw(self._rng("pool", str(qid)), keep=lambda o: o.key != task.id),  # noqa: B023
                    self._passage_of_block(block), [section.id], [u for _, us in carriers(task) for u in us], quote,
                    was=task.moved_from)
        templates = T.get("purpose_quote") or {}
        for section in plan.sections:
            template = templates.get(section.role or "")
            items = [b for b in section.blocks if b.number]
            if not template or len(items) < MIN_OPTIONS:
                continue
            options = []
            for b in items:
                opening = (clean_title(plain(b.title, {})) if b.title
                           else words(fragments(plain(b.text, self.footnote_labels))[0], EXCERPT_WORDS,
                                      self.L["ellipsis"]))
                options.append(Option(b.id, option["item"].format(number=self.number_of(b), opening=opening)))
            pool = Pool(options)
            texts = {b.id: self._body_texts(b) for b in items}
            quotes = Quotes({owner: [t for _, t in pairs] for owner, pairs in texts.items()})
            for item, answer in zip(items, options):
                found = self._quote(item.id, texts[item.id], quotes, skip_first=not item.title)
                if found is None:
                    continue
                block, quote = found
                qid = QuestionId(Kind.PURPOSE_QUOTE, item.id)
                yield self._question(
                    qid, template.format(section=section.number), answer,
                    pool.draw(self._rng("pool", str(qid)), keep=lambda o: o.key != item.id),  # noqa: B023
                    self._passage_of_block(block), [section.id], quote=quote, was=item.moved_from)

    def _body_texts(self, block) -> list[tuple[object, str]]:
        """(block, text) of a block and its descendants — text, never titles; no footnote marks."""
        return [(b, " ".join(m.FOOTNOTE_REF.sub("", b.text).split())) for b in block.walk() if b.text]

    def _quote(self, owner: str, texts: list[tuple[object, str]], quotes: Quotes, skip_first: bool):
        """A seeded fragment of `owner`'s texts that no other owner's text contains."""
        candidates = []
        for i, (block, text) in enumerate(texts):
            for j, frag in enumerate(fragments(text)):
                if skip_first and i == 0 and j == 0:
                    continue  # the option shows these opening words
                n = len(frag.split())
                if QUOTE_WORDS[0] <= n <= QUOTE_WORDS[1] and quotes.unique(owner, frag):
                    candidates.append((block, frag))
        if not candidates:
            return None
        return self._rng("quote", owner).choice(candidates)

    # -- documents -------------------------------------------------------------

    def _cited_in(self) -> dict[str, list[str]]:
        """Block id -> registered documents its text cites, in order."""
        out: dict[str, list[str]] = {}
        for c in self.graph.citations:
            docs = out.setdefault(c.block.id, [])
            if c.doc_id not in docs:
                docs.append(c.doc_id)
        return out

    def _doc_option(self, doc: m.Document, prefix: str = "") -> Option:
        return Option(prefix + doc.id, self.content.document_label(doc))

    def _relation_questions(self) -> Iterator[Question | None]:
        templates = self.L["templates"].get("relation") or {}
        c = self.content
        cited = self._cited_in()
        blocks = list(c.plan.walk())
        citing: dict[str, list[int]] = {}  # document -> positions of the blocks citing it, in order
        for i, b in enumerate(blocks):
            for d in cited.get(b.id, ()):
                citing.setdefault(d, []).append(i)
        pools: dict[str, tuple[dict[str, int], Pool[tuple[int, m.Document]]]] = {}
        for doc in c.documents:
            for rtype in dict.fromkeys(r.type for r in doc.relations):
                template = templates.get(rtype)
                if not template:
                    continue
                targets = [r.target for r in doc.relations if r.type == rtype]
                # The passage: the first plan paragraph that cites the target(s) — and
                # the document itself, unless the document is the plan — looked for
                # among the paragraphs citing the least cited of them.
                need = set(targets) | (set() if doc.is_plan else {doc.id})
                fewest = min((citing.get(d, []) for d in need), key=len)
                block = next((blocks[i] for i in fewest if need <= set(cited[blocks[i].id])), None)
                if block is None:
                    continue  # the plan's text does not state it: not asked
                if rtype not in pools:
                    pools[rtype] = self._relation_pool(rtype)
                component, pool = pools[rtype]
                qid = QuestionId(Kind.RELATION, doc.id, rtype)
                # Never a document related to this one, however indirectly: it might be right too.
                distractors = [self._doc_option(d)
                               for _, d in pool.draw(self._rng("pool", str(qid)), component[doc.id])]
                name = self.L["this_plan"] if doc.is_plan else c.document_label(doc)
                answer = Option("+".join(targets), self.L["joiner"].join(
                    c.document_label(c.document(t)) for t in targets))
                section = self.section_of.get(block.id)
                sections = [section.id] if section else []
                yield self._question(qid, template.format(document=name), answer, distractors,
                                     self._passage_of_block(block), sections, was=doc.moved_from)

    def _relation_pool(self, rtype: str) -> tuple[dict[str, int], Pool[tuple[int, m.Document]]]:
        """The documents linked by `rtype` in either direction, transitively, numbered
        as one component (document id -> number), and the pool of every document but
        the plan, grouped by component (-1: linked to none)."""
        docs = self.content.documents
        links: dict[str, list[str]] = {}
        for d in docs:
            for r in d.relations:
                if r.type == rtype:
                    links.setdefault(d.id, []).append(r.target)
                    links.setdefault(r.target, []).append(d.id)
        component: dict[str, int] = {}
        for start in links:
            if start in component:
                continue
            number, frontier = len(component), [start]  # a number no component has yet
            component[start] = number
            while frontier:
                for other in links[frontier.pop()]:
                    if other not in component:
                        component[other] = number
                        frontier.append(other)
        pool = Pool(((component.get(d.id, -1), d) for d in docs if not d.is_plan), group=lambda item: item[0])
        return component, pool

    def _footnote_questions(self) -> Iterator[Question | None]:
        template = self.L["templates"].get("footnote")
        if not template:
            return
        c = self.content
        cited = self._cited_in()
        pool = Pool(d for d in c.documents if not d.is_plan)
        for footnote in c.plan.footnotes:
            listed = {d for b in footnote.blocks for bb in b.walk() for d in cited.get(bb.id, ())}
            for block in footnote.blocks:
                docs = [d for d in cited.get(block.id, ()) if not c.document(d).is_plan]
                if not docs:
                    continue
                answer = self._doc_option(c.document(self._rng("footnote", block.id).choice(docs)))
                section = self.section_of.get(block.id)
                qid = QuestionId(Kind.FOOTNOTE, block.id)
                distractors = [self._doc_option(d) for d in pool.draw(
                    self._rng("pool", str(qid)), keep=lambda d: d.id not in listed)]  # noqa: B023
                yield self._question(qid, template.format(label=footnote.label), answer, distractors,
                                     self._passage_of_block(block), [section.id] if section else [],
                                     was=block.moved_from)

    # -- words -----------------------------------------------------------------

    def _abbreviation_questions(self) -> Iterator[Question | None]:
        template = self.L["templates"].get("abbreviation")
        if not template:
            return
        c = self.content
        abbrs = [t for t in c.terms if t.abbr]
        blocks = list(c.plan.walk())
        texts = [" ".join(x for x in (b.title, b.text) if x) for b in blocks]
        used = texts_using({t.id: (t.term, *t.variants) for t in abbrs}, texts)
        pool = Pool(Option(t.id, t.expansion) for t in abbrs)
        for term in abbrs:
            where = [self.section_of.get(blocks[i].id) for i in used[term.id]]
            if not where:
                continue  # not used in the plan: not the plan's to teach
            sections = [s.id for s in where if s is not None]
            text = self.L["abbreviation_passage"].format(term=term.term, expansion=term.expansion)
            if term.definition:
                text += " " + term.definition
            qid = QuestionId(Kind.ABBREVIATION, term.id)
            yield self._question(
                qid, template.format(term=term.term), Option(term.id, term.expansion),
                pool.draw(self._rng("pool", str(qid)), keep=lambda o: o.key != term.id),  # noqa: B023
                Passage(GLOSSARY, term.id, text), sections)
