"""Units, cited documents and abbreviations found in the plan's text.

Every document number (both grammars) is registered once, with the kind the
prose names and the date and issuer it states right after the number; what
the text does not state stays null. Units are deduplicated by a key that
ignores case, punctuation and "trực thuộc Sở"-like endings.
"""

from __future__ import annotations

import re

from ..docnumber import DocNumber
from ..slug import slugify
from .dates import real_date
from .fields import UnitWords
from .review import Review

ISSUER_STOPS = r"(?=\s+(?:về|ngày|đến|nhằm|trong|theo|thành|tại|và|để|đã|đối với)\b|[,;:.()]|$)"
DATE = r"\d{1,2}/\d{1,2}/\d{4}"
# A number written with stray spaces around its separators ("27/NQ- TW"), which the strict prose
# grammar skips; DocNumber.parse forgives the spaces.
_PART = r"[A-ZĐa-zđ][A-Za-zĐđ0-9]*"
LOOSE_NUMBER = re.compile(rf"(?<![\w/])\d{{1,5}}\s*[/-]\s*(?:\d{{4}}\s*/\s*)?{_PART}(?:\s*-\s*{_PART})*"
                          rf"(?:\s*/\s*{_PART}(?:\s*-\s*{_PART})*)?(?![\w/])")


def make_id(text: str, limit: int = 48) -> str:
    ident = slugify(text)[:limit].strip("-")
    return ident or "x"


class Ids:
    """Ids unique ignoring case, never one the site uses itself (`rules.reserved_names`: the
    hostile-input rules refuse those)."""

    def __init__(self, reserved: frozenset[str] = frozenset(), taken: set[str] | None = None):
        self.reserved = reserved
        self.taken: set[str] = taken if taken is not None else set()

    def claim(self, ident: str) -> str:
        base = ident if ident.casefold() not in self.reserved else f"{ident}-1"
        candidate, n = base, 2
        while candidate.casefold() in self.taken or candidate.casefold() in self.reserved:
            candidate = f"{base}-{n}"
            n += 1
        self.taken.add(candidate.casefold())
        return candidate


class Units:
    def __init__(self, vocab: dict, reserved: frozenset[str] = frozenset()):
        self.words = UnitWords(vocab)
        self.by_key: dict[str, dict] = {}
        self.ids = Ids(reserved)
        self.internal_heads = ("Các phòng", "Phòng", "Văn phòng", "Thanh tra", "Trung tâm", "Các đơn vị")
        self.parent: str | None = None

    def add(self, name: str, *, internal: bool = True) -> str:
        key = self.words.key(name)
        unit = self.by_key.get(key)
        if unit is None:
            unit = {"id": self.ids.claim(make_id(name, 40)), "name": name, "internal": False}
            self.by_key[key] = unit
        elif len(name) > len(unit["name"]):
            unit["name"] = name  # the fullest wording names the unit
        if internal and name.lower().startswith(tuple(h.lower() for h in self.internal_heads)):
            unit["internal"] = True
        return unit["id"]

    def find(self, name: str) -> str | None:
        unit = self.by_key.get(self.words.key(name))
        return unit["id"] if unit else None

    def data(self) -> list[dict]:
        out = []
        for unit in self.by_key.values():
            entry = {"id": unit["id"], "name": unit["name"], "kind": "internal" if unit["internal"] else "external"}
            if unit["internal"] and self.parent and unit["id"] != self.parent:
                entry["parent"] = self.parent
            out.append(entry)
        return out


class Documents:
    def __init__(self, vocab: dict, units: Units, review: Review, ids: Ids | None = None):
        self.v = vocab
        self.units = units
        self.review = review
        self.kinds = {k["id"]: k["name"] for k in vocab["document_kinds"]}
        names = sorted(self.kinds.values(), key=len, reverse=True)
        self.kind_before = re.compile(rf"(?P<kind>{'|'.join(re.escape(n) for n in names)})\s+(?:số\s+)?$", re.I)
        self.by_key: dict[tuple, dict] = {}
        self.ids = ids or Ids()   # shared with the plan's elements: both get short URLs k/<id>/
        self.relations: list[tuple[tuple, str, tuple]] = []

    def scan(self, text: str, where: int | None) -> None:
        found = list(DocNumber.finditer(text))
        for m in LOOSE_NUMBER.finditer(text):
            if not re.search(r"\s", m.group()) or any(s < m.end() and m.start() < e for s, e, _ in found):
                continue
            try:
                number = DocNumber.parse(m.group())
            except ValueError:
                continue
            if number.grammar == "state" and number.year is None and "-" not in number.symbol:
                continue
            found.append((m.start(), m.end(), number))
            self.review.add("number", where, f"“{m.group()}” is written with stray spaces; it was registered as "
                            f"{number}, but the site links only the exact form — correct the text if the source "
                            "has a typo", file="documents.yaml", path=("documents",))
        found.sort(key=lambda f: f[0])
        # "số …" followed by something number-like that neither grammar reads
        for m in re.finditer(r"\bsố\s+(?P<n>\d[^\s,;()]*[/-][^\s,;()]*)", text):
            token = m["n"].rstrip(".:")
            if re.fullmatch(DATE, token) or any(s <= m.start("n") < e for s, e, _ in found):
                continue
            self.review.add("number", where, f"“số {token}” looks like a document number but is not written as "
                            "one (33/CT-TTg, 30/2020/NĐ-CP, 217-QĐ/TW); it was not registered — check the source",
                            file="documents.yaml", path=("documents",))
        for i, (start, end, number) in enumerate(found):
            before = text[max(0, start - 40):start]
            kind = None
            if km := self.kind_before.search(before):
                kind = next(k for k, n in self.kinds.items() if n.lower() == km["kind"].lower())
            if kind is None:
                kind = self.v["symbol_kinds"].get(number.doc_type or "")
            if kind is None:
                self.review.add("number", where, f"the kind of document {number} is not stated before it "
                                "(Công văn, Chỉ thị …) nor in its symbol; set kind in documents.yaml",
                                file="documents.yaml", path=("documents",))
                kind = "cong-van" if number.grammar == "state" else "quyet-dinh"
            after = text[end:]
            date = issuer = None
            dm = re.match(rf"\s*ngày\s+({DATE})", after)
            if dm:
                date = dm.group(1)
                after_date = after[dm.end():]
            else:
                wm = re.match(r"\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", after, re.I)
                date = f"{wm[1]}/{wm[2]}/{wm[3]}" if wm else None
                after_date = after[wm.end():] if wm else after
            im = re.match(rf"\s*của\s+(?P<issuer>[^\s,;:.()].*?){ISSUER_STOPS}", after_date)
            if im:
                issuer = im["issuer"].strip()
            doc = self._register(number, kind, date, issuer, where)
            # "Quyết định số 217-QĐ/TW và Quyết định số 218-QĐ/TU ngày … của …": the date and
            # issuer stated once after the second number belong to both.
            if i + 1 < len(found) and date is None and issuer is None:
                nxt_start = found[i + 1][0]
                between = text[end:nxt_start]
                if re.fullmatch(rf"\s*và\s+(?:(?:{'|'.join(re.escape(n) for n in self.kinds.values())})\s+)?"
                                r"(?:số\s+)?", between, re.I):
                    doc["_pending_from"] = found[i + 1][2].key
            # "X … về (việc) triển khai (thực hiện) Chỉ thị số Y": X implements Y.
            if i + 1 < len(found):
                nxt_start = found[i + 1][0]
                gap = text[end:nxt_start]
                if re.search(r"\svề\s+(?:việc\s+)?triển\s+khai(?:\s+thực\s+hiện)?\s+\S+(?:\s+\S+)?\s+(?:số\s+)?$",
                             gap, re.I) and ";" not in gap and len(gap) < 160:
                    self.relations.append((number.key, "implements", found[i + 1][2].key))

    def _register(self, number: DocNumber, kind: str, date: str | None, issuer: str | None, where) -> dict:
        if date and not real_date(date):
            self.review.add("number", where, f"{number} is dated {date}, which is no real date; the date was "
                            "left unknown — check the source", file="documents.yaml", path=("documents",))
            date = None
        doc = self.by_key.get(number.key)
        if doc is None:
            suffix = number.issuer if number.grammar == "party" else (
                number.doc_type if kind == "cong-van" and number.doc_type else number.issuer)
            prefix = "".join(part[:1] for part in kind.split("-"))
            ident = self.ids.claim(make_id(f"{prefix}-{number.number}-{suffix}"))
            doc = {"id": ident, "kind": kind, "number": str(number), "date": None, "issuer": None,
                   "_issuer_name": None, "_where": where}
            self.by_key[number.key] = doc
        if date and doc["date"] is None:
            doc["date"] = date
        if issuer and doc["_issuer_name"] is None:
            doc["_issuer_name"] = issuer
        return doc

    def resolve(self) -> None:
        for doc in self.by_key.values():
            src_key = doc.pop("_pending_from", None)
            if src_key and src_key in self.by_key:
                other = self.by_key[src_key]
                if doc["date"] is None and other["date"]:
                    doc["date"] = other["date"]
                if doc["_issuer_name"] is None and other["_issuer_name"]:
                    doc["_issuer_name"] = other["_issuer_name"]
                self.review.add("inferred", doc["_where"], f"{doc['number']} is cited together with "
                                f"{other['number']} (“… và …”): it was given the same date and issuer; check",
                                file="documents.yaml", path=("documents", doc["id"]))
        for doc in self.by_key.values():
            if doc["_issuer_name"]:
                doc["issuer"] = self.units.add(doc["_issuer_name"], internal=False)

    def schedule_of(self, text: str) -> str | None:
        """The document whose schedule a timing follows ("Theo kế hoạch công tác tư pháp hằng năm"):
        by its number if it has one, else registered once by the phrase that cites it."""
        found = self.find_in(text)
        if found:
            return found
        m = re.match(r"\s*theo\s+(?P<phrase>(?P<kind>kế hoạch|chương trình|quyết định|công văn|hướng dẫn)\b[^.;]*)",
                     text, re.I)
        if not m:
            return None
        phrase = m["phrase"].strip()
        key = ("phrase", phrase.lower())
        if key not in self.by_key:
            kind = next(k for k, n in self.kinds.items() if n.lower() == m["kind"].lower())
            ident = self.ids.claim(make_id(phrase, 40))
            self.by_key[key] = {"id": ident, "kind": kind, "number": None, "title": phrase[:1].upper() + phrase[1:],
                                "date": None, "issuer": None, "_issuer_name": None, "cited_as": [phrase],
                                "_where": None}
            self.review.add("inferred", None, f"the timing follows “{phrase}”, registered as a document without "
                            "number; complete its title and issuer", file="documents.yaml",
                            path=("documents", ident))
        return self.by_key[key]["id"]

    def find_in(self, text: str) -> str | None:
        for _, _, number in DocNumber.finditer(text):
            if number.key in self.by_key:
                return self.by_key[number.key]["id"]
        return None

    def data(self, plan_doc: dict) -> list[dict]:
        out = [plan_doc]
        for doc in self.by_key.values():
            entry = {k: v for k, v in doc.items() if not k.startswith("_")}
            entry["subject"] = None
            if doc["number"] is None:
                entry.pop("issuer", None)
                entry = {"id": entry["id"], "kind": entry["kind"], "number": None, "title": entry["title"],
                         "date": None, "issuer": None, "subject": None, "cited_as": entry["cited_as"]}
                out.append(entry)
                continue
            rel = [{"type": t, "target": self.by_key[b]["id"]} for a, t, b in self.relations
                   if a == tuple(DocNumber.parse(doc["number"]).key) and b in self.by_key and b != a]
            if rel:
                entry["relations"] = _unique(rel)
            out.append(entry)
        return out

    def kinds_data(self) -> list[dict]:
        used = {d["kind"] for d in self.by_key.values()} | {"ke-hoach"}
        return [{"id": k, "name": n} for k, n in self.kinds.items() if k in used]


def _unique(items: list[dict]) -> list[dict]:
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def glossary(texts: list[str], vocab: dict, reserved: frozenset[str] = frozenset()) -> list[dict]:
    """Abbreviations the text defines ("PAPI (chỉ số …)") or uses from the common list."""
    terms: dict[str, dict] = {}
    ids = Ids(reserved)
    joined = "\n".join(texts)
    for m in re.finditer(r"\b([A-ZĐ]{2,}(?: [A-Z]{2,})?)\s*\(([a-zđà-ỹ][^()]{3,80})\)", joined):
        term, expansion = m.group(1), m.group(2).strip()
        if term not in terms:
            terms[term] = {"id": ids.claim(make_id(term)), "term": term, "abbr": True,
                           "expansion": expansion[:1].upper() + expansion[1:]}
    for term, expansion in vocab["abbreviations"].items():
        if term not in terms and re.search(rf"(?<![\w-]){re.escape(term)}(?![\w])", joined):
            terms[term] = {"id": ids.claim(make_id(term)), "term": term, "abbr": True, "expansion": expansion}
    return list(terms.values())
