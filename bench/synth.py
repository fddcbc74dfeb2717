"""Deterministic synthetic content for the benchmark (bench/run.py).

    python bench/synth.py OUT_DIR [--scale S] [--tasks N] [--documents M]
                                  [--citations K] [--seed SEED]

writes OUT_DIR/{plan,documents,units,glossary,labels}.yaml and OUT_DIR/schema/
(labels.yaml and the schemas are copied from content/). The result passes
`python -m plansite check --content OUT_DIR`.

Scale 1 is the real plan's size: 3 sections (purpose items, tasks, organisation
bullets), 5 tasks with 2-4 bullets/paragraphs each, a preamble paragraph, a
footnote of 2 paragraphs, 3 recipients, 12 documents (one is the plan), 12
units and 19 glossary terms (13 abbreviations) — about 29 blocks and 10,000
characters of text. Scale S multiplies every count by S (sections come in
groups of three, so pages keep the real plan's size and their number grows).
Each paragraph cites K documents (the real plan: 16 citations in 29 blocks;
K=1 is the default) as prose writes them ("Chỉ thị số 12/CT-UBND ngày …") and
names one abbreviation. Words come from the real plan, shuffled by a seeded
random generator: the same arguments give the same bytes.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent

# Real plan at scale 1 (see the docstring).
BASE = {"groups": 1, "tasks": 5, "documents": 12, "units": 12, "terms": 19}

ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]

# Kinds as the real registry names them, with the symbol and grammar a number of that kind uses.
KINDS = [
    ("cong-van", "Công văn", "state", None),
    ("chi-thi", "Chỉ thị", "state", "CT"),
    ("quyet-dinh", "Quyết định", "party", "QĐ"),
    ("huong-dan", "Hướng dẫn", "party", "HD"),
    ("ke-hoach", "Kế hoạch", "state", "KH"),
    ("nghi-quyet", "Nghị quyết", "party", "NQ"),
]


def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def letters(n: int, width: int = 3) -> str:
    """0 → AAA, 1 → AAB …: distinct uppercase symbols."""
    out = ""
    for _ in range(width):
        n, r = divmod(n, 26)
        out = chr(65 + r) + out
    return out


class Words:
    """Vietnamese words of the real plan, to make sentences of a realistic shape."""

    def __init__(self, rng: random.Random):
        plan = yaml.safe_load((REPO / "content" / "plan.yaml").read_text(encoding="utf-8"))
        texts: list[str] = []

        def collect(node):
            if isinstance(node, dict):
                texts.extend(v for k, v in node.items() if k in ("text", "title") and isinstance(v, str))
                node = list(node.values())
            if isinstance(node, list):
                for child in node:
                    collect(child)

        collect(plan["sections"])
        words = [w for w in re.findall(r"[^\W\d_]+", " ".join(texts)) if w.islower() and len(w) > 1]
        self.words = sorted(set(words))
        self.rng = rng

    def sentence(self, n: int) -> str:
        ws = [self.rng.choice(self.words) for _ in range(n)]
        return ws[0].capitalize() + " " + " ".join(ws[1:])

    def paragraph(self, chars: int, extras: list[str]) -> str:
        """About `chars` characters of sentences, with `extras` (citations, terms) placed between words."""
        sentences, length = [], 0
        while length < chars:
            s = self.sentence(self.rng.randint(10, 22))
            sentences.append(s)
            length += len(s) + 2
        for extra in extras:
            i = self.rng.randrange(len(sentences))
            words = sentences[i].split(" ")
            words.insert(self.rng.randint(1, len(words)), extra)
            sentences[i] = " ".join(words)
        return ". ".join(sentences) + "."


def generate(out: Path, scale: int = 1, tasks: int | None = None, documents: int | None = None,
             citations: int = 1, seed: int = 2022) -> dict:
    rng = random.Random(seed)
    words = Words(rng)
    groups = BASE["groups"] * scale
    n_tasks = tasks if tasks is not None else BASE["tasks"] * scale
    n_docs = documents if documents is not None else BASE["documents"] * scale
    n_units = BASE["units"] * scale
    n_terms = BASE["terms"] * scale

    # -- units: the issuing body, its internal units, outside bodies -----------------
    units = [{"id": "u-so", "name": "Sở Kế hoạch và Đầu tư", "kind": "external",
              "description": "Cơ quan ban hành Kế hoạch."}]
    internal, external = [], []
    for i in range(1, n_units):
        if i % 2:
            uid = f"u-phong-{i}"
            units.append({"id": uid, "name": f"Phòng {words.sentence(3).lower()} {i}", "kind": "internal",
                          "parent": "u-so"})
            internal.append(uid)
        else:
            uid = f"u-ngoai-{i}"
            units.append({"id": uid, "name": f"Cơ quan {words.sentence(3).lower()} {i}", "kind": "external"})
            external.append(uid)

    # -- glossary: abbreviations (Z + letters, never a Vietnamese word) and terms -------
    terms, abbrs = [], []
    for i in range(n_terms):
        if i % 19 < 13:
            term = "Z" + letters(i)
            abbrs.append(term)
            terms.append({"id": f"t-{i}", "term": term, "abbr": True, "expansion": words.sentence(5)})
        else:
            terms.append({"id": f"t-{i}", "term": words.sentence(4) + f" {i}", "expansion": words.sentence(5),
                          "definition": words.paragraph(120, [])})

    # -- documents: the plan, then numbered documents in a relation tree ---------------
    kinds = [{"id": k, "name": name} for k, name, _, _ in KINDS]
    docs = [{"id": "vb-plan", "kind": "ke-hoach", "number": None,
             "title": "Kế hoạch tổng hợp dùng để đo hiệu năng", "date": None, "issuer": "u-so",
             "subject": "Nội dung tổng hợp để đo hiệu năng", "is_plan": True, "relations": []}]
    cites = []  # (document id, how prose cites it)
    for i in range(1, n_docs):
        kind, name, grammar, symbol = KINDS[i % len(KINDS)]
        issuer = external[i % len(external)] if external else "u-so"
        if grammar == "party":
            number = f"{i}-{symbol}/{letters(i % 7, 2)}"
        elif symbol is None:
            number = f"{1000 + i}/UBND-{letters(i % 11, 3)}"
        else:
            number = f"{i}/{symbol}-{letters(i % 13, 3)}"
        date = f"{rng.randint(1, 28)}/{rng.randint(1, 12)}/{rng.randint(2010, 2021)}"
        doc = {"id": f"vb-{i}", "kind": kind, "number": number, "date": date, "issuer": issuer,
               "subject": words.sentence(rng.randint(6, 14))}
        if i > 1:
            doc["relations"] = [{"type": "implements", "target": f"vb-{rng.randrange(1, i)}"}]
        docs.append(doc)
        cites.append(f"{name} số {number} ngày {date}")
    docs[0]["relations"] = [{"type": "implements", "target": "vb-1"}] if n_docs > 1 else []

    def text(chars: int) -> str:
        extras = [rng.choice(cites) for _ in range(citations)] if cites else []
        if abbrs:
            extras.append(rng.choice(abbrs))
        return words.paragraph(chars, extras)

    # -- plan ---------------------------------------------------------------------------
    real = yaml.safe_load((REPO / "content" / "plan.yaml").read_text(encoding="utf-8"))
    header = {k: v for k, v in real["header"].items() if k != "notes"}
    footnotes = [{"id": f"fn-{g}", "label": str(g), "blocks": [
        {"id": f"fn-{g}-p1", "kind": "paragraph", "text": text(700)},
        {"id": f"fn-{g}-p2", "kind": "paragraph", "text": text(300)}]} for g in range(1, groups + 1)]
    sections, number = [], 0
    per_group = [n_tasks // groups + (1 if g < n_tasks % groups else 0) for g in range(groups)]
    for g in range(groups):
        number += 1
        sid = f"s{number}"
        sections.append({"id": sid, "number": roman(number), "title": words.sentence(4).upper(),
                         "role": "purpose", "blocks": [
                             {"id": f"{sid}-{k}", "kind": "item", "number": str(k), "text": text(330)}
                             for k in range(1, 5)]})
        item = sections[-1]["blocks"][0]  # the footnote mark of this group
        item["text"] = item["text"][:-1] + f"[^fn-{g + 1}]."
        number += 1
        sid = f"s{number}"
        blocks = []
        for t in range(1, per_group[g] + 1):
            tid = f"{sid}-{t}"
            kind = "bullet" if t % 2 else "paragraph"
            children = [{"id": f"{tid}-{c}", "kind": kind, "text": text(330)} for c in range(1, 2 + t % 3 + 1)]
            lead = internal[(g * 5 + t) % len(internal)] if internal else "u-so"
            task = {"id": tid, "kind": "task", "number": str(t), "title": words.sentence(12) + ".",
                    "blocks": children,
                    "responsibility": {"id": f"{tid}-dv", "label": "Đơn vị thực hiện",
                                       "text": "Các phòng, đơn vị theo chức năng nhiệm vụ được giao.",
                                       "lead": [lead]},
                    "timing": {"id": f"{tid}-tg", "label": "Thời gian thực hiện", "text": "Thường xuyên.",
                               "kinds": ["recurring"]}}
            if t % 4 == 0 and len(internal) > 1:
                task["responsibility"]["support"] = [internal[(g * 5 + t + 1) % len(internal)]]
            blocks.append(task)
        sections.append({"id": sid, "number": roman(number), "title": words.sentence(3).upper(),
                         "role": "tasks", "blocks": blocks})
        number += 1
        sid = f"s{number}"
        sections.append({"id": sid, "number": roman(number), "title": words.sentence(3).upper(),
                         "role": "organization", "blocks": [
                             {"id": f"{sid}-{x}", "kind": "bullet", "text": text(150),
                              "responsibility": {"id": f"{sid}-{x}-dv",
                                                 "lead": [internal[(g + ord(x)) % len(internal)]
                                                          if internal else "u-so"]}}
                             for x in "abc"]})
    plan = {"id": "kh-synth", "document": "vb-plan", "header": header,
            "preamble": [{"id": "can-cu", "kind": "paragraph", "text": text(250)}],
            "sections": sections, "footnotes": footnotes,
            "recipients": {"label": "Nơi nhận", "entries": [
                {"id": f"nn-{k}", "text": f"{u['name']};", "unit": u["id"]}
                for k, u in enumerate(units[1:1 + 3 * groups], 1)]}}

    # -- write ----------------------------------------------------------------------------
    out.mkdir(parents=True, exist_ok=True)

    def dump(name: str, data: dict) -> None:
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        (out / name).write_text(f"# yaml-language-server: $schema=schema/{name.replace('.yaml', '.schema.json')}\n"
                                f"# Synthetic benchmark content (bench/synth.py, scale {scale}, seed {seed}).\n"
                                + body, encoding="utf-8")

    dump("plan.yaml", plan)
    dump("documents.yaml", {"kinds": kinds, "relation_types": [
        {"id": "implements", "forward": "Triển khai", "backward": "Được triển khai bởi"}], "documents": docs})
    dump("units.yaml", {"units": units})
    dump("glossary.yaml", {"terms": terms})
    shutil.copy2(REPO / "content" / "labels.yaml", out / "labels.yaml")
    if (out / "schema").exists():
        shutil.rmtree(out / "schema")
    shutil.copytree(REPO / "content" / "schema", out / "schema")
    n_blocks = sum(1 + len(b.get("blocks", [])) for s in sections for b in s["blocks"]) + 1 + 3 * groups
    return {"scale": scale, "sections": len(sections), "tasks": n_tasks, "documents": n_docs,
            "units": n_units, "terms": n_terms, "blocks": n_blocks, "citations_per_paragraph": citations,
            "seed": seed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1, help="multiple of the real plan's size (default 1)")
    parser.add_argument("--tasks", type=int, help="number of tasks N (default 5 × scale)")
    parser.add_argument("--documents", type=int, help="number of documents M, the plan included (default 12 × scale)")
    parser.add_argument("--citations", type=int, default=1, help="citations per paragraph K (default 1)")
    parser.add_argument("--seed", type=int, default=2022)
    args = parser.parse_args(argv)
    print(generate(args.out, args.scale, args.tasks, args.documents, args.citations, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
