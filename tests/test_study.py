"""Ôn tập: generated questions checked against the YAML, and the built pages.

The answer of every question is checked here by reading content/*.yaml (or a
sample plan's) directly — not through the loader's model or the generator's
code — so a generator that picks the wrong unit, timing, document, term or
task fails.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from helpers import yaml_delete
from plansite import quiz
from plansite.loader import load_content
from plansite.quiz import Kind, QuestionBank

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
sys.path.insert(0, str(REPO / "bench"))
import synth  # noqa: E402  (bench/synth.py: deterministic synthetic content)

# A plan large enough that every kind's pool of wrong options is sampled (Pool):
# bench/synth.py content at SYNTHETIC_SCALE × the real plan.
SYNTHETIC = "synthetic"
SYNTHETIC_SCALE = 8
PLANS = ["content"] + sorted(f"tests/fixtures/{p.name}" for p in FIXTURES.iterdir()
                             if (p / "plan.yaml").is_file()) + [SYNTHETIC]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def words(text: str) -> str:
    return " ".join(text.split())


# -----------------------------------------------------------------------------
# The YAML, read without the loader
# -----------------------------------------------------------------------------

class Raw:
    """content/*.yaml as plain dicts, with the few lookups the checks need."""

    def __init__(self, folder: Path):
        def read(name):
            return yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        self.plan = read("plan.yaml")
        self.docs = {d["id"]: d for d in read("documents.yaml")["documents"]}
        self.kinds = {k["id"]: k["name"] for k in read("documents.yaml")["kinds"]}
        self.units = {u["id"]: u for u in read("units.yaml")["units"]}
        self.terms = {t["id"]: t for t in read("glossary.yaml")["terms"]}
        self.labels = read("labels.yaml")
        self.blocks: dict[str, dict] = {}
        self.section_of: dict[str, dict] = {}

        def walk(blocks, section):
            for b in blocks:
                self.blocks[b["id"]] = b
                self.section_of[b["id"]] = section
                walk(b.get("blocks", []), section)
        walk(self.plan.get("preamble", []), None)
        for s in self.plan["sections"]:
            walk(s["blocks"], s)
        # Sections carry who and when too.
        self.elements = {**self.blocks, **{s["id"]: s for s in self.plan["sections"]}}
        for s in self.plan["sections"]:
            self.section_of[s["id"]] = s
        for f in self.plan.get("footnotes", []):
            walk(f["blocks"], None)

    def subtree_text(self, block: dict) -> str:
        """Every text (never titles) of a block and its descendants."""
        out = [block.get("text") or ""]
        for child in block.get("blocks", []):
            out.append(self.subtree_text(child))
        return words(re.sub(r"\[\^[^\]]+\]", " ", " ".join(out)))

    def doc_label(self, doc_id: str) -> str:
        d = self.docs[doc_id]
        return f"{self.kinds[d['kind']]} {d['number']}" if d.get("number") else d["title"]

    @staticmethod
    def roles(element: dict) -> dict[str, list[str]]:
        """Unit ids by role as the YAML writes them (a list, or a line of its own with units:)."""
        r = element.get("responsibility") or {}
        out = {}
        for role, key in (("lead", "lead"), ("implementer", "implementers"), ("support", "support")):
            value = r.get(key)
            ids = value if isinstance(value, list) else (value or {}).get("units", [])
            if ids:
                out[role] = ids
        return out

    def unit_names(self, ids) -> str:
        return self.labels["study"]["joiner"].join(self.units[u]["name"] for u in ids)


def synthetic_content(folder: Path, scale: int) -> Path:
    """bench/synth.py content at `scale` × the real plan in `folder`, made to ask
    every kind of question: each task's timing worded differently (synth words
    them all alike), and documents implementing one another in chains of four
    (synth links them all into one tree: every document related to every
    other), a paragraph citing each pair as prose does."""
    synth.generate(folder, scale=scale)

    def rewrite(name: str, change) -> None:
        path = folder / name
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        change(data)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")

    pairs = []

    def chains(data: dict) -> None:
        kinds = {k["id"]: k["name"] for k in data["kinds"]}
        docs = [d for d in data["documents"] if not d.get("is_plan")]
        for before, doc in zip(docs, docs[1:]):
            if int(doc["id"].split("-")[1]) % 4 == 1:
                doc.pop("relations", None)  # the first of a chain
                continue
            doc["relations"] = [{"type": "implements", "target": before["id"]}]
            pairs.append(tuple(f"{kinds[d['kind']]} số {d['number']} ngày {d['date']}" for d in (doc, before)))

    def timings_and_citations(plan: dict) -> None:
        timed = [b for s in plan["sections"] for b in s["blocks"] if b.get("timing")]
        for n, block in enumerate(timed):
            block["timing"]["text"] = f"Trước ngày {n % 28 + 1}/{n % 12 + 1}/{2022 + n // 336}."
        paragraphs = [b for s in plan["sections"] for t in s["blocks"] for b in t.get("blocks", [])]
        for (doc, target), block in zip(pairs, paragraphs):
            block["text"] += f" Thực hiện {doc} triển khai {target}."

    rewrite("documents.yaml", chains)
    rewrite("plan.yaml", timings_and_citations)
    return folder


def expected_answer(raw: Raw, q) -> tuple[str, list[str]]:
    """(the correct option's text per the YAML, texts no distractor may have)."""
    block_id = q.id.split("-", 1)[1]
    if q.kind in (Kind.LEAD, Kind.SUPPORT, Kind.IMPLEMENTER, Kind.CARRIER):
        roles = raw.roles(raw.elements[block_id])
        role = next(iter(roles)) if q.kind is Kind.CARRIER else q.kind.value
        if q.kind is Kind.CARRIER:
            assert len(roles) == 1, f"{q.id}: 'carrier' asked of a block with roles {roles}"
        ids = roles[role]
        return raw.unit_names(ids), [raw.units[u]["name"] for u in ids]
    if q.kind is Kind.TIMING:
        text = raw.elements[block_id]["timing"]["text"]
        return text, [text]
    if q.kind is Kind.RELATION:
        doc_id = next(d for d in raw.docs if q.id.startswith(f"vb-{d}-"))
        rtype = q.id[len(f"vb-{doc_id}-"):].replace("-", "_")
        targets = [r["target"] for r in raw.docs[doc_id]["relations"] if r["type"] == rtype]
        joined = raw.labels["study"]["joiner"].join(raw.doc_label(t) for t in targets)
        # No wrong option is related to the document in any way (it might be right too).
        links = [(d, r["target"]) for d in raw.docs for r in raw.docs[d].get("relations", []) if r["type"] == rtype]
        near = {doc_id}
        while grown := ({b for a, b in links if a in near} | {a for a, b in links if b in near}) - near:
            near |= grown
        return joined, [raw.doc_label(t) for t in near - {doc_id}]
    if q.kind is Kind.ABBREVIATION:
        term = raw.terms[block_id]
        assert term.get("abbr"), q.id
        return term["expansion"], [term["expansion"]]
    raise AssertionError(f"no independent check for {q.kind}")


# -----------------------------------------------------------------------------
# Every plan: the real one and every sample in tests/fixtures
# -----------------------------------------------------------------------------

@pytest.fixture(scope="module", params=PLANS)
def plan(request, tmp_path_factory):
    """(Raw YAML, model) of one plan; a sample gets the real schemas beside it."""
    src = REPO / request.param
    if request.param == "content":
        folder = src
    elif request.param == SYNTHETIC:
        folder = synthetic_content(tmp_path_factory.mktemp("plan") / "content", SYNTHETIC_SCALE)
    else:
        folder = tmp_path_factory.mktemp("plan") / "content"
        shutil.copytree(src, folder)
        shutil.copytree(REPO / "content" / "schema", folder / "schema")
        if not (folder / "labels.yaml").exists():  # samples may take the site's own labels
            shutil.copy(REPO / "content" / "labels.yaml", folder / "labels.yaml")
    return Raw(folder), load_content(folder), folder


def test_every_answer_agrees_with_the_yaml(plan):
    raw, content, _ = plan
    bank = QuestionBank(content)
    assert len(bank.questions) >= 10, bank.counts()
    for q in bank.questions:
        if q.kind in (Kind.FOOTNOTE, Kind.TASK_QUOTE, Kind.PURPOSE_QUOTE):
            continue  # checked below, by where their text is
        want, never = expected_answer(raw, q)
        assert q.correct.text == want, q.id
        for o in q.options:
            if o.key != q.answer:
                assert not any(n.casefold() in o.text.casefold() for n in never), (q.id, o.text)


def test_quotes_belong_to_the_answer_and_to_nothing_else(plan):
    raw, content, _ = plan
    bank = QuestionBank(content)
    quotes = [q for q in bank.questions if q.kind in (Kind.TASK_QUOTE, Kind.PURPOSE_QUOTE)]
    for q in quotes:
        owner = raw.blocks[q.answer]
        if q.kind is Kind.TASK_QUOTE:
            assert owner["kind"] == "task"
            others = [b for b in raw.blocks.values() if b["kind"] == "task" and b["id"] != owner["id"]]
        else:
            section = raw.section_of[owner["id"]]
            assert owner in section["blocks"], q.id
            others = [b for b in section["blocks"] if b["id"] != owner["id"]]
        quote = words(q.quote)
        assert quote in raw.subtree_text(owner), q.id
        assert not any(quote in raw.subtree_text(o) for o in others), q.id
        # The option names the owner by its number, as the YAML numbers it.
        assert re.search(rf"[ .]{re.escape(owner['number'])}: ", q.correct.text), (q.id, q.correct.text)
        assert quote in words(re.sub(r"\(\d+\)", " ", q.passage.text)) or quote in q.passage.text


def test_footnote_answers_are_listed_in_the_footnote_and_distractors_are_not(plan):
    raw, content, _ = plan
    bank = QuestionBank(content)
    for q in (q for q in bank.questions if q.kind is Kind.FOOTNOTE):
        footnote = next(f for f in raw.plan["footnotes"] if any(b["id"] == q.passage.anchor for b in f["blocks"]))
        paragraph = raw.blocks[q.passage.anchor]["text"]
        everything = " ".join(raw.subtree_text(b) for b in footnote["blocks"])
        number_of = {raw.doc_label(d): raw.docs[d].get("number") for d in raw.docs}
        assert number_of[q.correct.text] and number_of[q.correct.text] in words(paragraph), q.id
        for o in q.options:
            if o.key != q.answer:
                assert not number_of[o.text] or number_of[o.text] not in everything, (q.id, o.text)


def test_relation_passages_cite_both_documents(plan):
    raw, content, _ = plan
    bank = QuestionBank(content)
    for q in (q for q in bank.questions if q.kind is Kind.RELATION):
        text = words(raw.blocks[q.passage.anchor]["text"])
        for label in q.correct.text.split(raw.labels["study"]["joiner"]):
            doc = next(d for d in raw.docs.values() if raw.doc_label(d["id"]) == label)
            assert (doc.get("number") or doc["title"]) in text, (q.id, label)


def test_options_are_distinct_real_texts_and_ids_are_unique(plan):
    _, content, _ = plan
    bank = QuestionBank(content)
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids))
    for q in bank.questions:
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", q.id), q.id
        texts = [o.text.strip() for o in q.options]
        assert 2 <= len(texts) <= 4, q.id
        assert all(t and t != "None" and "None" not in t.split() for t in texts), (q.id, texts)
        assert len({t.casefold() for t in texts}) == len(texts), (q.id, texts)
        assert len({o.key for o in q.options}) == len(texts), q.id
        assert sum(o.key == q.answer for o in q.options) == 1, q.id
        assert q.correct.text.casefold() not in q.text.casefold(), f"{q.id} states its own answer"
        assert "None" not in q.text and q.passage.text and q.passage.anchor


@pytest.mark.parametrize("seed", ["a", "b", "c", "d", "e", "f", "g", "h"])
def test_no_wrong_option_holds_the_right_answer_whatever_the_seed(plan, seed, monkeypatch):
    # The seed is a hash of the content: any edit reshuffles the options, so
    # fairness must not depend on the seed the real content happens to give.
    _, content, _ = plan
    monkeypatch.setattr(quiz, "content_seed", lambda _content: seed)
    for q in QuestionBank(content).questions:
        right = q.correct.text.casefold()
        assert not any(right in o.text.casefold() for o in q.options if o.key != q.answer), (q.id, q.options)


def naive_texts_using(forms, texts):
    """The per-term scan texts_using replaces (terms × paragraphs regex searches)."""
    out = {}
    for key, variants in forms.items():
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in variants) + r")(?!\w)")
        out[key] = [i for i, text in enumerate(texts) if pattern.search(text)]
    return out


@pytest.mark.parametrize(("forms", "texts"), [
    ({"a": ("UBND", "UBND tỉnh")}, ["UBND tỉnh họp", "UBNDs", "(UBND)", "Ủy ban"]),
    ({"a": ("-X",), "b": ("X",)}, ["a -X", "X-Y", "XY", "x"]),           # a form opening with a sign
    ({"a": ("Sở KH&ĐT",), "b": ("KH",)}, ["Sở KH&ĐT và KH", "SởKH&ĐT"]),
    ({"a": ("CT",), "b": ("Chỉ thị",)}, ["", "Chỉ thị số 33-CT/TW", "chỉ thị"]),
])
def test_texts_using_agrees_with_the_per_term_scan(forms, texts):
    assert quiz.texts_using(forms, texts) == naive_texts_using(forms, texts)


def test_texts_using_agrees_on_every_plan(plan):
    _, content, _ = plan
    forms = {t.id: (t.term, *t.variants) for t in content.terms}
    texts = [" ".join(x for x in (b.title, b.text) if x) for b in content.plan.walk()]
    assert quiz.texts_using(forms, texts) == naive_texts_using(forms, texts)


def test_every_kind_has_its_template_in_the_labels(plan):
    raw, content, _ = plan
    templates = raw.labels["study"]["templates"]
    for q in QuestionBank(content).questions:
        assert q.kind.value in templates, q.kind


def test_the_set_is_the_same_across_two_loads(plan):
    _, _, folder = plan
    def snapshot():
        bank = QuestionBank(load_content(folder))
        return [(q.id, q.text, q.quote, q.options, q.answer, q.passage) for q in bank.questions], \
            [q.id for q in bank.select(bank.questions, "x")]
    assert snapshot() == snapshot()


def test_a_missing_template_means_no_question_of_that_kind(plan):
    _, content, _ = plan
    labels = json.loads(json.dumps(content.labels))
    del labels["study"]["templates"]["timing"]
    trimmed = type(content)(**{**{f: getattr(content, f) for f in
                                  ("plan", "documents", "kinds", "relation_types", "units", "terms")},
                               "labels": labels})
    kinds = {q.kind for q in QuestionBank(trimmed).questions}
    assert Kind.TIMING not in kinds and kinds


def test_unknown_timing_is_never_asked(tmp_path):
    """A block without timing gets no timing question (the model lacks the fact)."""
    folder = tmp_path / "content"
    shutil.copytree(REPO / "content", folder)
    yaml_delete(folder / "plan.yaml", "II-4", "timing")
    ids = {q.id for q in QuestionBank(load_content(folder)).questions}
    assert "tg-II-4" not in ids and "tg-II-3" in ids


# -----------------------------------------------------------------------------
# The built site
# -----------------------------------------------------------------------------

def soup(site: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")


def real() -> tuple[Raw, QuestionBank]:
    return Raw(REPO / "content"), QuestionBank(load_content(REPO / "content"))


def study_pages() -> list[str]:
    raw, _ = real()
    return (["on-tap/index.html"] + [f"on-tap/muc/{s['id']}.html" for s in raw.plan["sections"]]
            + [f"on-tap/don-vi/{u}.html" for u in raw.units])


def test_study_pages_exist_with_5_to_15_questions_or_say_why(built_site):
    raw, bank = real()
    few = raw.labels["study"]["few"].split("{n}")[1].strip()[:20]
    for page in study_pages():
        article = soup(built_site, page).select_one("article")
        questions = article.select("fieldset.study-q")
        note = article.select_one(".study-note")
        if 5 <= len(questions) <= 15:
            assert note is None, page
        else:
            assert len(questions) < 5 and note is not None, (page, len(questions))
    # Never padded: a section page asks all it can, up to 15.
    for s in raw.plan["sections"]:
        possible = [q for q in bank.questions if s["id"] in q.sections]
        shown = soup(built_site, f"on-tap/muc/{s['id']}.html").select("article fieldset.study-q")
        assert len(shown) == min(15, len(possible)), s["id"]
        if len(possible) < 5:
            assert few in soup(built_site, f"on-tap/muc/{s['id']}.html").select_one(".study-note").text


def test_each_question_is_accessible_and_links_to_its_passage(built_site):
    raw, bank = real()
    for page in study_pages() + ["on-tap/phat-tay.html"]:
        html = soup(built_site, page)
        for fs in html.select("article fieldset.study-q"):
            q = bank.by_id[fs["data-q"]]
            assert fs.legend and q.text in fs.legend.text
            radios = fs.select("input[type=radio]")
            assert [r["value"] for r in radios] == [o.key for o in q.options]
            assert all(r.find_parent("label") for r in radios) and len({r["name"] for r in radios}) == 1
            assert fs["data-answer"] == q.answer
            # Nothing in the question or options gives the answer away (links, tooltips).
            assert not fs.legend.select("a, abbr") and not fs.select("label a, label abbr"), (page, q.id)
            link = fs.select_one("a.study-passage-link")
            target = (built_site / page).parent / link["href"].split("#")[0]
            anchor = link["href"].split("#")[1]
            assert anchor == q.passage.anchor
            there = BeautifulSoup(target.resolve().read_text(encoding="utf-8"), "html.parser").find(id=anchor)
            assert there is not None, (page, link["href"])
            context = squash((there.parent or there).get_text())
            tail = squash(q.passage.text.split(": ", 1)[-1]).rstrip(".")[-20:]
            assert tail in context, (q.id, tail)


def test_handout_key_and_csv_agree(built_site):
    raw, bank = real()
    handout = soup(built_site, "on-tap/phat-tay.html")
    fieldsets = handout.select("article fieldset.study-q")
    assert [f["id"] for f in fieldsets] == [q.id for q in bank.questions]
    letters = raw.labels["study"]["letters"]
    rows = soup(built_site, "on-tap/dap-an.html").select("table.study-key tbody tr")
    assert len(rows) == len(fieldsets)
    for row, fs in zip(rows, fieldsets):
        letter = row.select("td")[1].text.strip()
        chosen = fs.select("input[type=radio]")[letters.index(letter)]
        assert chosen["value"] == fs["data-answer"]
        assert row.select("td")[2].text.strip() == chosen.find_parent("label").text.strip()
    data = (built_site / "on-tap" / "cau-hoi.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    head, body = table[0], table[1:]
    assert len(body) == len(bank.questions)
    for line, fs in zip(body, fieldsets):
        cells = dict(zip(head, line))
        assert cells[raw.labels["study"]["csv"]["id"]] == fs["id"]
        letter = cells[raw.labels["study"]["csv"]["letter"]]
        option = cells[raw.labels["study"]["csv"]["option"].format(letter=letter)]
        assert option == cells[raw.labels["study"]["csv"]["answer"]]
        assert option == fs.select("label")[letters.upper().index(letter)].text.strip()
        assert all(c.strip() != "None" for c in line)


def test_short_urls_and_qr_codes_of_questions(built_site):
    _, bank = real()
    trainers = soup(built_site, "on-tap/giang-vien.html")
    for q in bank.questions:
        redirect = built_site / "k" / "on-tap" / q.id / "index.html"
        target = re.search(r'url=([^"]+)"', redirect.read_text(encoding="utf-8")).group(1)
        assert target == f"../../../on-tap/phat-tay.html#{q.id}"
        assert (built_site / "qr" / "on-tap" / f"{q.id}.svg").read_text(encoding="utf-8").startswith("<svg")
        assert trainers.select_one(f"article a[href='../k/on-tap/{q.id}/index.html']") is not None
        assert trainers.select_one(f"article img[src='../qr/on-tap/{q.id}.svg']") is not None


def test_study_pages_stay_out_of_search_and_in_the_nav(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert not [d["location"] for d in index["docs"] if d["location"].startswith("on-tap/")]
    nav = soup(built_site, "index.html").select(".md-nav--primary a.md-nav__link[href]")
    hrefs = {a["href"] for a in nav}
    # a unit's Ôn tập page is reached from Ôn tập's own page (the nav does not grow with the registry)
    listed = {"on-tap/" + a["href"] for a in soup(built_site, "on-tap/index.html").select("article a[href]")}
    for page in study_pages():
        assert page in (listed if page.startswith("on-tap/don-vi/") else hrefs), page


def test_home_page_has_the_progress_block_and_data(built_site):
    home = soup(built_site, "index.html").select_one("article [data-study-progress]")
    assert home is not None and home.has_attr("hidden")
    assert home.select_one("button.study-clear").text == Raw(REPO / "content").labels["study"]["progress"]["clear"]
    data = (built_site / "assets" / "study-data.js").read_text(encoding="utf-8")
    parsed = json.loads(data[len("window.STUDY = "):].rstrip().rstrip(";"))
    raw = Raw(REPO / "content")
    assert [s["id"] for s in parsed["sections"]] == [s["id"] for s in raw.plan["sections"]]
    tasks = [b["id"] for b in raw.blocks.values() if b["kind"] == "task"]
    assert sorted(i for s in parsed["sections"] for i in s["items"] if i in tasks) == sorted(tasks)


def test_every_fact_the_yaml_holds_is_asked(plan):
    """What can be asked is asked: each timing (when the plan has two wordings to
    choose from), each responsibility role, each abbreviation the plan's text uses."""
    raw, content, _ = plan
    ids = {q.id for q in QuestionBank(content).questions}
    def stem_of(b):
        return words(" ".join(x for x in (b.get("title"), b.get("text")) if x)).casefold()

    timed = [b for b in raw.elements.values() if b.get("timing")]
    if len({b["timing"]["text"] for b in timed}) >= 2:
        # (a text that states its own timing gives the answer away: not asked)
        assert {f"tg-{b['id']}" for b in timed if b["timing"]["text"].casefold() not in stem_of(b)} <= ids
    for b in raw.elements.values():
        roles = raw.roles(b)
        if not roles or raw.section_of[b["id"]] is None:
            continue
        codes = ["dv"] if len(roles) == 1 else [{"lead": "ct", "implementer": "th", "support": "ph"}[k] for k in roles]
        for code, role in zip(codes, roles):
            if raw.unit_names(roles[role]).casefold() not in stem_of(b):  # else the question would give it away
                assert f"{code}-{b['id']}" in ids, (b["id"], role)
    text = " ".join(words(" ".join(x for x in (b.get("title"), b.get("text")) if x)) for b in raw.blocks.values())
    for t in raw.terms.values():
        forms = [t["term"], *t.get("variants", [])]
        if t.get("abbr") and any(re.search(rf"(?<!\w){re.escape(f)}(?!\w)", text) for f in forms):
            assert f"vt-{t['id']}" in ids, t["id"]


def test_unit_pages_ask_own_duties_first_then_shared_ones(built_site):
    raw, bank = real()
    groups = {u: [g for g, data in raw.units.items() if u in data.get("members", [])] for u in raw.units}
    checked = 0
    for unit, in_groups in groups.items():
        own, shared = bank.of_unit(unit)
        shown = soup(built_site, f"on-tap/don-vi/{unit}.html").select("article fieldset.study-q")
        marks = [fs.select_one(".study-q-mark") is not None for fs in shown]
        assert marks == sorted(marks), unit  # own (unmarked) before shared (marked)
        assert sum(not m for m in marks) == min(15, len(own)), unit
        # shared questions are about the duties of the unit's groups, per the YAML
        for fs in shown:
            if fs.select_one(".study-q-mark"):
                q = bank.by_id[fs["data-q"]]
                assert set(q.units) & set(in_groups), (unit, q.id)
                checked += 1
    assert checked, "no unit page shows a shared duty"


def test_section_and_unit_pages_link_to_their_study_page(built_site):
    raw = Raw(REPO / "content")
    for s in raw.plan["sections"]:
        link = soup(built_site, f"muc/{s['id']}.html").select_one("article p.study-link a")
        assert link["href"] == f"../on-tap/muc/{s['id']}.html"
    for u in raw.units:
        link = soup(built_site, f"don-vi/{u}.html").select_one("article p.study-link a")
        assert link["href"] == f"../on-tap/don-vi/{u}.html"
    link = soup(built_site, "giang-vien.html").select_one("article p.study-link a")
    assert link["href"] == "on-tap/giang-vien.html"


def test_doctests():
    import doctest

    import plansite.quiz
    import plansite.study
    for module in (plansite.quiz, plansite.study):
        result = doctest.testmod(module)
        assert result.attempted and not result.failed, module.__name__


def test_every_stream_block_of_plan_css_starts_at_the_top_level():
    """An unclosed brace swallows every later block (the merge lost three; the quiz answers showed)."""
    css = (REPO / "docs" / "assets" / "plan.css").read_text(encoding="utf-8")
    depth, unclosed = 0, []
    for number, line in enumerate(css.splitlines(), 1):
        if line.startswith("/* ----") and depth:
            unclosed.append(f"plan.css:{number}: {depth} unclosed brace(s) before this block")
        code = re.sub(r"/\*.*?\*/", "", line)
        depth += code.count("{") - code.count("}")
    assert unclosed == [] and depth == 0, unclosed


# -----------------------------------------------------------------------------
# Work linear in the content (issue 18): counted, never timed
# -----------------------------------------------------------------------------

def lines_run(module, work) -> int:
    """How many lines of `module`'s code work() runs: the work done, the same on any machine."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        count += event == "line"
        return local

    previous = sys.gettrace()
    sys.settrace(lambda frame, event, arg: local if frame.f_code.co_filename == module.__file__ else None)
    try:
        work()
    finally:
        sys.settrace(previous)
    return count


def bank_work(content) -> dict[str, int]:
    """Lines of plansite/quiz.py run by the bank: each kind's questions, the
    questions of every section and unit (their Ôn tập pages), the whole bank."""
    bank = QuestionBank(content)
    work = {make.__name__: lines_run(quiz, lambda make=make: list(make())) for make in bank._makers()}
    work["of_section, of_unit"] = lines_run(quiz, lambda: ([bank.of_section(s) for s in content.plan.sections],
                                                           [bank.of_unit(u.id) for u in content.units]))
    work["QuestionBank"] = lines_run(quiz, lambda: QuestionBank(content))
    return work


def test_the_bank_does_work_linear_in_the_content(tmp_path):
    """Each kind's questions, and the questions of every section and unit, cost the
    same per element on a plan twice as large. Lines of plansite/quiz.py run at 8×
    and 16× the real plan: linear work doubles (slope 1.0); looking at every
    candidate for every question (the bank before Pool and Quotes) measured slopes
    of 1.6 to 2.0 per kind."""
    small, large = (bank_work(load_content(synthetic_content(tmp_path / str(scale), scale))) for scale in (8, 16))
    assert min(small.values()) > 100, small  # each kind has work to measure
    slopes = {name: round(math.log2(large[name] / small[name]), 2) for name in small}
    assert max(slopes.values()) <= 1.25, slopes


# -----------------------------------------------------------------------------
# Whether a question is asked depends on the facts, never on the sample
# -----------------------------------------------------------------------------

def test_a_question_with_few_wrong_answers_in_a_large_pool_is_asked_whatever_the_seed(tmp_path):
    """A group holding all internal units but three, the lead of a task: only those
    three (and nothing holding a member) are wrong answers, in a pool of about a
    hundred. The question is asked with a full set of options, and an edit of an
    unrelated paragraph (which reseeds every question) changes no question id:
    published links cannot break by chance. Sampling the pool before filtering
    it (Pool.draw before `keep`) found all three about once in thirty seeds."""
    folder = tmp_path / "content"
    synth.generate(folder, scale=16)
    units = yaml.safe_load((folder / "units.yaml").read_text(encoding="utf-8"))
    internal = [u["id"] for u in units["units"] if u["kind"] == "internal"]
    assert len(internal) >= 3 * quiz.POOL_LIMIT  # the pool is sampled
    units["units"].append({"id": "u-nhom", "name": "Các phòng thuộc nhóm lớn", "kind": "internal",
                           "parent": "u-so", "members": internal[3:]})
    (folder / "units.yaml").write_text(yaml.safe_dump(units, allow_unicode=True, sort_keys=False), encoding="utf-8")
    plan_path = folder / "plan.yaml"
    plan = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    task = next(b for s in plan["sections"] for b in s["blocks"] if b.get("responsibility", {}).get("lead"))
    task["responsibility"]["lead"] = ["u-nhom"]
    plan_path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    paragraph = plan["sections"][-1]["blocks"][-1]  # far from the task: it asks nothing about the group
    assert paragraph is not task and paragraph.get("text")

    def asked(word: str):
        paragraph["text"] = f"{paragraph['text'].rstrip('.')} {word}."
        plan_path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
        content = load_content(folder)
        bank = QuestionBank(content)
        question = next((q for q in bank.questions if q.id == f"dv-{task['id']}"), None)
        return quiz.content_seed(content), {q.id for q in bank.questions}, question

    seed, ids, question = asked("năm")
    assert question is not None, f"dv-{task['id']} not asked"
    wrong = {o.key for o in question.options if o.key != question.answer}
    assert len(question.options) == quiz.MAX_OPTIONS and wrong <= set(internal[:3]), question.options
    for word in ("nay", "tới", "sau"):
        other_seed, other_ids, other = asked(word)
        assert other_seed != seed and other_ids == ids, (word, ids ^ other_ids)
        assert other is not None and len(other.options) == quiz.MAX_OPTIONS, (word, other)
