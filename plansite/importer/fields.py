"""Responsibility and timing: from a plan's labelled lines to the schema's objects.

The one module that knows the schema's shape for "who" and "when". It reads
the project's plan.schema.json, so the same importer writes whichever shape
the project's schema has (lead/support lists today; implementers, parties
with their own label and letter, more timing kinds as the schema grows).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .dates import real_date
from .review import Review
from .structure import Field

DATE = r"\d{1,2}/\d{1,2}/\d{4}"
WORD_DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)


@dataclass(frozen=True)
class Capabilities:
    """What the project's schema accepts for responsibility and timing."""

    implementers: bool
    party_objects: bool
    content: bool
    letters: bool
    timing_kinds: tuple[str, ...]
    partial_dates: bool
    modes: bool = False

    @classmethod
    def from_schema(cls, schema: dict) -> Capabilities:
        defs = schema.get("$defs", {})
        resp = defs.get("responsibility", {}).get("properties", {})
        timing = defs.get("timing", {}).get("properties", {})
        kinds = tuple(timing.get("kinds", {}).get("items", {}).get("enum", []))
        deadline_ref = timing.get("deadline", {}).get("$ref", "")
        return cls(implementers="implementers" in resp, party_objects="party" in defs, content="content" in resp,
                   letters="letter" in resp, timing_kinds=kinds, partial_dates=deadline_ref.endswith("partial_date"),
                   modes="mode" in resp)


# -----------------------------------------------------------------------------
# Units named in a responsibility's wording
# -----------------------------------------------------------------------------

class UnitWords:
    """Splits wording like "Phòng X chủ trì, phối hợp các phòng liên quan" into units by role."""

    def __init__(self, vocab: dict):
        self.v = vocab
        heads = sorted(vocab["unit_heads"], key=len, reverse=True)
        self.head_re = re.compile("|".join(re.escape(h) for h in heads))
        self.split_re = re.compile(r"\s*;\s*|\s*(?:,|\bvà)\s+(?=(?:" + "|".join(re.escape(h) for h in heads) + r")\b)")
        lead = "|".join(re.escape(w) for w in vocab["lead_words"])
        support = "|".join(re.escape(w) for w in sorted(vocab["support_words"], key=len, reverse=True))
        self.lead_support = re.compile(rf"(?P<lead>.+?)\s+(?:{lead})\s*,?\s*(?:(?:{support})\s+(?P<support>.+))?$",
                                       re.I)

    def roles(self, text: str) -> tuple[list[str], list[str], bool]:
        """(lead-or-implementer names, support names, split_by_chu_tri)."""
        clean = text.strip().rstrip(".;, ")
        m = self.lead_support.match(clean)
        if m:
            return self.names(m["lead"]), self.names(m["support"] or ""), True
        return self.names(clean), [], False

    def names(self, text: str) -> list[str]:
        out = []
        for part in self.split_re.split(text.strip()):
            name = self.clean(part)
            if name:
                out.append(name)
        return out

    def clean(self, name: str) -> str:
        name = name.strip().rstrip(".;,: ").strip()
        changed = True
        while changed:
            changed = False
            for q in sorted(self.v["unit_qualifiers"], key=len, reverse=True):
                if name.lower().endswith(" " + q):
                    name = name[: -len(q) - 1].rstrip(" ,")
                    changed = True
        name = re.sub(r"\s*\((?:b/c|để b/c|báo cáo|t/h|để thực hiện|thực hiện)\)\s*$", "", name, flags=re.I)
        return name[:1].upper() + name[1:] if name else name

    def key(self, name: str) -> str:
        """Same key for the same unit however the plan words it."""
        k = unicodedata.normalize("NFC", name).casefold()
        k = re.sub(r"[^\w\s]", " ", k)
        k = " ".join(k.split())
        for suffix in sorted(self.v["unit_same_suffixes"], key=len, reverse=True):
            if k.endswith(" " + suffix):
                k = k[: -len(suffix) - 1]
                break
        return k

    def in_prose(self, text: str) -> tuple[str, str] | None:
        """The unit given a duty at the start of a sentence of the organisation
        section: "Giao Văn phòng Sở theo dõi …", "Thủ trưởng các phòng … có trách nhiệm …"."""
        assign = "|".join(re.escape(w) for w in self.v["assign_words"])
        m = re.match(rf"(?:(?:{assign})\s+)?(?P<rest>.*)", text.strip())
        rest = m["rest"] if m else ""
        head = self.head_re.match(rest[:1].upper() + rest[1:])
        if head is None:
            return None
        stops = "|".join(re.escape(s) for s in sorted(self.v["unit_stops"], key=len, reverse=True))
        end = re.search(rf"\s(?P<stop>{stops})\b|[.;:]", rest)
        if end is None:
            return None
        name = self.clean(rest[: end.start()])
        if len(name.split()) < 2 or name.lower() in self.v["unit_everyone"]:
            return None
        role = "support" if (end.groupdict().get("stop") or "").startswith("phối hợp") else "implementers"
        return name, role

    def title_unit(self, title: str) -> str | None:
        """A task titled by an agency ("2. Sở Tài chính", "5. Đề nghị Tỉnh đoàn"): the agency."""
        assign = "|".join(re.escape(w) for w in self.v["assign_words"])
        rest = re.sub(rf"^(?:{assign})\s+", "", title.strip()).rstrip(":. ")
        if not self.head_re.match(rest) or len(rest.split()) > 12:
            return None
        stops = "|".join(re.escape(s) for s in self.v["unit_stops"])
        if re.search(rf"\b(?:{stops})\b", rest):
            return None
        return self.clean(rest)


# -----------------------------------------------------------------------------
# Timing
# -----------------------------------------------------------------------------

def _dates(text: str) -> list[str]:
    out = []
    for m in re.finditer(rf"{DATE}|ngày\s+\d{{1,2}}\s+tháng\s+\d{{1,2}}\s+năm\s+\d{{4}}", text, re.I):
        w = WORD_DATE.fullmatch(m.group())
        out.append(f"{w[1]}/{w[2]}/{w[3]}" if w else m.group())
    return out


def classify_timing(text: str, vocab: dict, caps: Capabilities, find_document=None) -> dict:
    """{kinds, deadline?, start?, end?, day_month?, document?} for the wording; kinds may be empty."""
    t = text.lower()
    kinds: list[str] = []
    out: dict = {}
    words = vocab["timing"]
    dates = _dates(text)
    per_doc = find_document(text) if find_document and re.match(
        r"\s*theo\s+(?:kế hoạch|chương trình|quyết định|công văn|hướng dẫn)\b", t) else None
    if per_doc and "per_document" in caps.timing_kinds:
        return {"kinds": ["per_document"], "document": per_doc}
    if re.search(r"\btừ\b.*\bđến\b", t) and dates:
        kinds.append("period")
        m = re.search(rf"từ\s+(?:ngày\s+)?({DATE}|tháng\s+\d{{1,2}}/\d{{4}}|năm\s+\d{{4}})", text, re.I)
        n = re.search(rf"đến\s+(?:ngày\s+)?({DATE}|tháng\s+\d{{1,2}}/\d{{4}}|năm\s+\d{{4}})", text, re.I)
        if m:
            out["start"] = re.sub(r"^(tháng|năm)\s+", "", m.group(1), flags=re.I)
        if n:
            out["end"] = re.sub(r"^(tháng|năm)\s+", "", n.group(1), flags=re.I)
    elif any(w in t for w in words["annual"]):
        kinds.append("annual")
        dm = re.search(r"ngày\s+(\d{1,2})\s*(?:/|tháng\s+)(\d{1,2})\b(?!/\d)", text, re.I)
        if dm:
            out["day_month"] = f"{dm[1]}/{dm[2]}"
    elif re.search(r"\b(trước|chậm nhất|hoàn thành|xong)\b", t) and dates:
        kinds.append("deadline")
        out["deadline"] = dates[-1]
    elif m := re.search(r"giai đoạn\s+(\d{4})\s*-\s*(\d{4})", t):
        kinds.append("period")
        out["start"], out["end"] = m[1], m[2]
    elif m := re.fullmatch(r"(?:(?:hoàn thành|thực hiện)\s+)?(?:trong\s+)?tháng\s+(\d{1,2}/\d{4})\.?", t.strip()):
        kinds.append("deadline")
        out["deadline"] = m[1]
    elif m := re.fullmatch(r"(?:(?:hoàn thành|thực hiện)\s+)?(?:trong\s+)?năm\s+(\d{4})\.?", t.strip()):
        kinds.append("deadline")
        out["deadline"] = m[1]
    if any(w in t for w in words["monthly"]):
        kinds.append("monthly")
    if any(w in t for w in words["open_ended"]):
        kinds.append("open_ended")
    if any(w in t for w in words["recurring"]):
        kinds.append("recurring")
    if any(w in t for w in words["superior_schedule"]):
        kinds.append("superior_schedule")
    # Only real dates (a typo such as 31/2/2025 stays in the wording, not in a date field).
    for key in ("deadline", "start", "end"):
        if key in out and not real_date(out[key]):
            del out[key]
    # Only what the project's schema knows.
    allowed = set(caps.timing_kinds)
    kinds = [k for k in kinds if k in allowed]
    for key in ("deadline", "start", "end"):
        if key in out and not caps.partial_dates and not re.fullmatch(DATE, out[key]):
            del out[key]
    if "deadline" in kinds and "deadline" not in out:
        kinds.remove("deadline")
    if "period" in kinds and "start" not in out and "end" not in out:
        kinds.remove("period")
    if "annual" not in kinds:
        out.pop("day_month", None)
    if "per_document" not in kinds:
        out.pop("document", None)
    if "period" not in kinds:
        out.pop("start", None), out.pop("end", None)
    if not kinds and "free" in allowed:
        kinds = ["free"]
    return {"kinds": kinds, **out}


def timing_in_prose(text: str, vocab: dict) -> str | None:
    """A timing phrase inside a sentence ("… báo cáo định kỳ theo quy định"), as written."""
    words = vocab["timing"]
    phrases = [w for k in ("recurring", "annual", "monthly", "superior_schedule") for w in words[k]]
    spans: list[tuple[int, int]] = []
    for p in sorted(phrases, key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(p)}(?!\w)", text, re.I):
            if not any(s <= m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    for m in re.finditer(r"(?:trước|chậm nhất)\s+(?:ngày\s+)?\d{1,2}/\d{1,2}/\d{4}", text, re.I):
        if not any(s <= m.start() < e for s, e in spans):
            spans.append((m.start(), m.end()))
    if not spans:
        return None
    spans.sort()
    start, end = spans[0]
    for s, e in spans[1:]:
        if text[end:s].strip() == "":
            end = e
    return text[start:end]


# -----------------------------------------------------------------------------
# Emission
# -----------------------------------------------------------------------------

class FieldEmitter:
    """Builds the responsibility and timing objects of one element."""

    def __init__(self, vocab: dict, caps: Capabilities, units, review: Review, find_document=None):
        self.v = vocab
        self.caps = caps
        self.units = units          # registry.Units: name -> id
        self.review = review
        self.words = UnitWords(vocab)
        self.find_document = find_document

    def _ids(self, names: list[str], where: int, external: bool = False) -> list[str]:
        out = []
        for name in names:
            ident = self.units.add(name, internal=not external)
            if ident not in out:
                out.append(ident)
        return out

    def _party(self, fld: Field, ids: list[str]):
        if self.caps.party_objects:
            party: dict[str, Any] = {"label": fld.label}
            if fld.letter and self.caps.letters:
                party["letter"] = fld.letter
            party.update(text=fld.text, units=ids)
            return party
        return ids

    def responsibility(self, element_id: str, fields: list[Field], annotation: list[str],
                       annotation_role: str | None = None, mode: str | None = None
                       ) -> tuple[dict | None, list[Field]]:
        """The responsibility object, and the fields it could not hold (kept as text)."""
        resp: dict = {"id": f"{element_id}-dv"}
        if mode and self.caps.modes:
            resp["mode"] = mode
        leftover: list[Field] = []
        primary = [f for f in fields if f.role in ("implementers", "lead")]
        support = [f for f in fields if f.role == "support"]
        content = [f for f in fields if f.role == "content"]
        for f in content:
            if self.caps.content:
                resp["content"] = {"label": f.label, **({"letter": f.letter} if f.letter and self.caps.letters else {}),
                                   "text": f.text}
            else:
                leftover.append(f)
        if primary:
            f = primary[0]
            lead_names, support_names, split = self.words.roles(f.text)
            if not lead_names:
                self.review.add("unit", f.where, f"no unit found in “{f.text}”; add the unit by hand",
                                path=("responsibility",))
            ids = self._ids(lead_names, f.where)
            sup_ids = self._ids(support_names, f.where)
            if self.caps.party_objects and not split and (f.role == "lead" or f.letter):
                # a line of its own naming the units of one role: "b) Cơ quan chủ trì: Sở Nội vụ"
                resp["lead" if f.role == "lead" else "implementers"] = self._party(f, ids)
            else:
                resp["label"] = f.label
                if f.letter and self.caps.letters:
                    resp["letter"] = f.letter
                resp["text"] = f.text
                if split or f.role == "lead" or not self.caps.implementers:
                    resp["lead"] = ids
                else:
                    resp["implementers"] = ids
                if sup_ids:
                    resp["support"] = sup_ids
        for f in support[:1]:
            names = self.words.roles(f.text)[0]
            ids = self._ids(names, f.where)
            if self.caps.party_objects:
                resp["support"] = self._party(f, ids)
            else:
                resp["support_label"], resp["support_text"], resp["support"] = f.label, f.text, ids
        if not primary and not support and annotation:
            ids = self._ids(annotation, 0)
            role = annotation_role or "implementers"
            if role == "implementers" and not self.caps.implementers:
                role = "lead"
            resp[role] = ids
        if not any(k in resp for k in ("label", "lead", "implementers", "support", "content")):
            return None, leftover
        return resp, leftover

    def timing(self, element_id: str, fields: list[Field], annotation: str | None) -> tuple[dict | None, list[Field]]:
        timing_fields = [f for f in fields if f.role == "timing"]
        where: int | None
        if timing_fields:
            f = timing_fields[0]
            text, label, letter, where = f.text, f.label, f.letter, f.where
        elif annotation is not None:
            text, label, letter, where = annotation, None, None, None
        else:
            return None, []
        spec = classify_timing(text, self.v, self.caps, self.find_document)
        if not spec["kinds"]:
            self.review.add("timing", where, f"the timing “{text}” matches none of the schema's kinds; it was "
                            "kept as a line of text — classify it by hand")
            return None, timing_fields[:1]
        if spec["kinds"] == ["free"]:
            self.review.add("timing", where, f"the timing “{text}” was kept as free text (kinds: [free]); "
                            "classify it if it has a date or a rhythm")
        out = {"id": f"{element_id}-tg"}
        if label:
            out["label"] = label
        if letter and self.caps.letters:
            out["letter"] = letter
        out["text"] = text
        out.update(spec)
        return out, []
