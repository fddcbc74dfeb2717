"""How far an imported draft matches a hand-made plan: structure and text.

`structure_match` walks the hand-made content and checks, item by item, that
the draft has the same sections (number, title, role), the same elements (id,
kind, number, title, text, children), the same fields (label, wording, units
by role, timing kinds and dates), the same footnote placement, recipients and
cited document numbers (kind and date). Units are compared by name (ignoring
case, punctuation and "trực thuộc Sở"), since the draft's unit ids are made
from names. A unit the hand-made file adds that the wording never names
(editorial annotation) cannot be imported and is counted as excluded, not as
a match. Anything the draft has that the hand-made file lacks is a miss.

`text_coverage` checks that every line of the source appears, verbatim, in
the draft.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..docnumber import DocNumber
from ..loader import LONG_DATE, read_signature
from .fields import UnitWords

ROLES = ("lead", "implementers", "support")
NATIONAL = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]


@dataclass
class Match:
    items: list[tuple[str, bool]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    def check(self, what: str, ok: bool) -> None:
        self.items.append((what, bool(ok)))

    @property
    def score(self) -> float:
        return 100.0 * sum(ok for _, ok in self.items) / max(1, len(self.items))

    @property
    def misses(self) -> list[str]:
        return [what for what, ok in self.items if not ok]

    def summary(self) -> str:
        good = sum(ok for _, ok in self.items)
        return f"{self.score:.1f} % ({good}/{len(self.items)} items; {len(self.excluded)} editorial excluded)"


def load_dir(path: Path) -> dict:
    return {name: yaml.safe_load((Path(path) / f"{name}.yaml").read_text(encoding="utf-8"))
            for name in ("plan", "documents", "units")}


def _norm(text) -> str:
    return " ".join(str(text).split()) if text is not None else ""


def _parties(resp: dict) -> dict[str, list[str]]:
    out = {}
    for role in ROLES:
        value = resp.get(role)
        if isinstance(value, dict):
            value = value.get("units", [])
        if value:
            out[role] = list(value)
    return out


def _party_text(resp: dict, role: str) -> tuple:
    value = resp.get(role)
    if isinstance(value, dict):
        return (value.get("label"), _norm(value.get("text")), value.get("letter"))
    return ()


def structure_match(draft: dict, hand: dict, vocab: dict, *, header: bool = False) -> Match:
    words = UnitWords(vocab)
    match = Match()
    d_units = {u["id"]: u["name"] for u in draft["units"]["units"]}
    h_units = {u["id"]: u["name"] for u in hand["units"]["units"]}

    def ukeys(ids, names):
        return sorted(words.key(names.get(i, i)) for i in ids)

    dp, hp = draft["plan"], hand["plan"]
    d_blocks: dict[str, tuple[dict, str]] = {}
    h_blocks: dict[str, tuple[dict, str]] = {}

    def index(blocks, table, parent):
        for b in blocks or []:
            table[b["id"]] = (b, parent)
            index(b.get("blocks"), table, b["id"])

    index(dp.get("preamble"), d_blocks, "preamble")
    index(hp.get("preamble"), h_blocks, "preamble")
    for s in dp["sections"]:
        index(s["blocks"], d_blocks, s["id"])
    for s in hp["sections"]:
        index(s["blocks"], h_blocks, s["id"])
    for f in dp.get("footnotes", []):
        index(f["blocks"], d_blocks, f["id"])
    for f in hp.get("footnotes", []):
        index(f["blocks"], h_blocks, f["id"])

    # the section role of every hand-made element; documents by what identifies them in print
    roles = {}
    for s in hp["sections"]:
        for ident in _ids(s["blocks"]):
            roles[ident] = s.get("role")

    def doc_names(documents):
        return {d["id"]: d.get("number") or (d.get("cited_as") or [d.get("title")])[0].lower()
                for d in documents["documents"]}

    docs = (doc_names(hand["documents"]), doc_names(draft["documents"]))

    # sections
    match.check("number of sections", len(dp["sections"]) == len(hp["sections"]))
    for hs, ds in zip(hp["sections"], dp["sections"]):
        for key in ("id", "number", "title", "role"):
            match.check(f"section {hs['id']} {key}", _norm(hs.get(key)) == _norm(ds.get(key)))
        match.check(f"section {hs['id']} children", [b["id"] for b in hs["blocks"]] ==
                    [b["id"] for b in ds["blocks"]])
        _fields(match, f"section {hs['id']}", hs, ds, h_units, d_units, ukeys, words, docs, True)

    # elements
    for ident, (hb, parent) in h_blocks.items():
        found = d_blocks.get(ident)
        match.check(f"{ident} exists", found is not None)
        if found is None:
            continue
        db = found[0]
        match.check(f"{ident} parent", d_blocks[ident][1] == parent)
        for key in ("kind", "number", "title", "text"):
            match.check(f"{ident} {key}", _norm(hb.get(key)) == _norm(db.get(key)))
        match.check(f"{ident} children", [b["id"] for b in hb.get("blocks", [])] ==
                    [b["id"] for b in db.get("blocks", [])])
        _fields(match, ident, hb, db, h_units, d_units, ukeys, words, docs, roles.get(ident) == "organization")
    for ident in d_blocks:
        if ident not in h_blocks:
            match.check(f"{ident}: in the draft only", False)

    # footnotes: where each is cited
    def cited_in(blocks_table, fid):
        return sorted(i for i, (b, _) in blocks_table.items()
                      if f"[^{fid}]" in (b.get("text") or "") + (b.get("title") or ""))

    hf = {f["id"]: f for f in hp.get("footnotes", [])}
    df = {f["id"]: f for f in dp.get("footnotes", [])}
    match.check("footnote ids", sorted(hf) == sorted(df))
    for fid, f in hf.items():
        match.check(f"footnote {fid} cited in", cited_in(h_blocks, fid) == cited_in(d_blocks, fid))
        match.check(f"footnote {fid} label", fid in df and df[fid]["label"] == f["label"])

    # recipients
    hr = (hp.get("recipients") or {}).get("entries", [])
    dr = (dp.get("recipients") or {}).get("entries", [])
    match.check("recipients count", len(hr) == len(dr))
    for he, de in zip(hr, dr):
        match.check(f"recipient {he['id']} text", re.sub(r"\s", "", he["text"]) == re.sub(r"\s", "", de["text"]))
        if he.get("unit"):  # linking a recipient to a unit is the editor's choice; where made, it must match
            du = [de["unit"]] if de.get("unit") else []
            match.check(f"recipient {he['id']} unit", ukeys([he["unit"]], h_units) == ukeys(du, d_units))
        else:
            match.excluded.append(f"recipient {he['id']} unit (none in the hand-made file)")

    # cited documents
    def numbers(docs):
        out = {}
        for doc in docs["documents"]:
            if doc.get("is_plan") or not doc.get("number"):
                continue
            out[DocNumber.parse(doc["number"]).key] = doc
        return out

    hn, dn = numbers(hand["documents"]), numbers(draft["documents"])
    for key, doc in hn.items():
        other = dn.get(key)
        match.check(f"document {doc['number']} registered", other is not None)
        if other:
            match.check(f"document {doc['number']} kind", other["kind"] == doc["kind"])
            match.check(f"document {doc['number']} date", other.get("date") == doc.get("date"))
    for key, doc in dn.items():
        if key not in hn:
            match.check(f"document {doc['number']}: in the draft only", False)

    if header:
        hh, dh = hp["header"], dp["header"]
        for key in ("parent_body", "issuing_body", "number", "symbol", "place", "kind", "subject"):
            match.check(f"header {key}", _norm(hh.get(key)).casefold() == _norm(dh.get(key)).casefold())
        match.check("header date", _date_value(hh.get("date")) == _date_value(dh.get("date")))
        hs, ds = _signature(hh.get("signature")), _signature(dh.get("signature"))
        for key, written, drafted in zip(("authority", "title", "name"), hs, ds):
            match.check(f"signature {key}", written == drafted)
    return match


def _date_value(text: str | None) -> tuple[int, ...] | None:
    """A header date in either written form (17/11/2025, ngày 17 tháng 11 năm 2025) as (d, m, y)."""
    if not text:
        return None
    m = LONG_DATE.fullmatch(text)
    return tuple(int(x) for x in (m.groups() if m else text.split("/")))


def _signature(data: dict | None) -> tuple:
    """(authority lines, title, name) as printed, whichever form the file writes them in."""
    sig = read_signature(data)
    if sig is None:
        return ((), "", "")
    return (tuple(_norm(str(line)).casefold() for line in sig.authority),
            _norm(sig.title).casefold(), _norm(sig.name).casefold())


def _ids(blocks) -> list[str]:
    out = []
    for b in blocks or []:
        out.append(b["id"])
        out += _ids(b.get("blocks"))
    return out


def _fields(match: Match, where: str, hb: dict, db: dict, h_units, d_units, ukeys, words: UnitWords,
            docs: tuple[dict, dict], organization: bool) -> None:
    hr, dr = hb.get("responsibility"), db.get("responsibility")
    if hr is not None:
        texts = [hr.get("text"), hr.get("support_text"), hb.get("text"), hb.get("title")] + [
            (hr.get(r) or {}).get("text") if isinstance(hr.get(r), dict) else None for r in ROLES]
        wording = words.key(" ".join(_norm(x) for x in texts if x))
        parties = _parties(hr)
        stated = {role: ids for role, ids in parties.items()
                  if all(words.key(h_units.get(i, i)) in wording for i in ids)}
        for role in parties:
            if role not in stated:
                match.excluded.append(f"{where} {role}: {parties[role]} (not named in the wording)")
        if not stated and not hr.get("label"):
            match.excluded.append(f"{where} responsibility (editorial)")
            if dr is not None:
                match.check(f"{where} responsibility: in the draft only", False)
        else:
            match.check(f"{where} responsibility", dr is not None)
            if dr is not None:
                for key in ("label", "text", "letter"):
                    match.check(f"{where} responsibility {key}", _norm(hr.get(key)) == _norm(dr.get(key)))
                match.check(f"{where} responsibility mode", (hr.get("mode") or "assign") ==
                            (dr.get("mode") or "assign"))
                if hr.get("content") or dr.get("content"):
                    match.check(f"{where} responsibility content", hr.get("content") == dr.get("content"))
                d_parties = _parties(dr)
                if not hr.get("label") and not any(isinstance(hr.get(r), dict) for r in ROLES):
                    # an unlabelled duty in prose: "who" is stated, "lead" or "implementer" is a reading
                    for parties_ in (stated, d_parties):
                        merged = parties_.pop("lead", []) + parties_.pop("implementers", [])
                        if merged:
                            parties_["implementers"] = merged
                    parties = {r: v for r, v in stated.items()}
                for role, ids in stated.items():
                    match.check(f"{where} responsibility {role}",
                                ukeys(ids, h_units) == ukeys(d_parties.get(role, []), d_units))
                    match.check(f"{where} responsibility {role} wording", _party_text(hr, role) ==
                                _party_text(dr, role))
                for role in d_parties:
                    if role not in parties:
                        match.check(f"{where} responsibility {role}: in the draft only", False)
    elif dr is not None:
        match.check(f"{where} responsibility: in the draft only", False)
    ht, dt = hb.get("timing"), db.get("timing")
    if ht is not None:
        # without a label, a timing counts as stated only in the duty sentences of the organisation
        # section; elsewhere picking a phrase out of a sentence is the editor's reading
        timing_stated = ht.get("label") or (organization and _norm(ht["text"]) in
                                            _norm(hb.get("text", "") + " " + hb.get("title", "")))
        if not timing_stated:
            match.excluded.append(f"{where} timing (editorial)")
            if dt is not None:
                match.check(f"{where} timing: in the draft only", False)
            return
        match.check(f"{where} timing", dt is not None)
        if dt is not None:
            for key in ("label", "text", "letter", "deadline", "start", "end", "day_month"):
                match.check(f"{where} timing {key}", _norm(ht.get(key)) == _norm(dt.get(key)))
            if ht.get("document") or dt.get("document"):
                match.check(f"{where} timing document", docs[0].get(ht.get("document")) ==
                            docs[1].get(dt.get("document")))
            match.check(f"{where} timing kinds", sorted(ht["kinds"]) == sorted(dt["kinds"]))
    elif dt is not None:
        match.check(f"{where} timing: in the draft only", False)


def plan_text(plan: dict) -> str:
    """Every piece of wording in a plan, one normalised string."""
    parts: list[str] = []

    def walk(value, key=None):
        if isinstance(value, dict):
            if "label" in value and "text" in value and isinstance(value["text"], str):
                parts.append(f"{value['label']}: {value['text']}")
            if value.get("support_label") and value.get("support_text"):
                parts.append(f"{value['support_label']}: {value['support_text']}")
            for k, v in value.items():
                if k not in ("id", "notes", "moved_from", "role") and not (
                        k == "kind" and re.fullmatch(r"[a-z_]+", str(v))):
                    walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            parts.append(value)

    walk(plan)
    # the header and signature lines as printed (the site prints them from these fields)
    h = plan.get("header", {})
    parts += NATIONAL
    if h.get("number") or h.get("symbol"):
        parts.append(f"Số: {h.get('number') or ''}/{h.get('symbol') or ''}")
    if h.get("date"):
        date = h["date"]
        if not LONG_DATE.fullmatch(date):
            date = "ngày {} tháng {} năm {}".format(*date.split("/"))
        parts.append(f"{h.get('place') or ''}, {date}")
    sig = read_signature(h.get("signature"))
    parts += [str(line) for line in sig.authority] if sig else []
    return " \n ".join(_norm(p) for p in parts)


BLANK_DATE = re.compile(r"[.…\s]*,\s*ngày\s*[.…]+\s*tháng\s*[.…]+\s*năm\s*[.…]*")
MARKER = re.compile(r"^(?:[IVXLC]{1,6}\.|\d{1,2}(?:\.\d{1,2})*\.?|[a-zđ]\)|[-–•+]|\(\d{1,2}\))\s+")


def text_coverage(source_lines: list[str], plan: dict) -> tuple[float, list[str]]:
    """Share of source lines found verbatim in the draft, and the ones missing."""
    full = plan_text(plan)
    full = re.sub(r"\[\^fn-(\d+)\]", r"(\1)", full)
    missing = []
    lines = [_norm(x) for x in source_lines if _norm(x)]
    for line in lines:
        if BLANK_DATE.fullmatch(line):   # "……, ngày … tháng … năm …": a form left blank, not text
            continue
        probe = MARKER.sub("", line)
        if probe and probe not in full and probe.rstrip(":") not in full:
            missing.append(line)
    return 100.0 * (len(lines) - len(missing)) / max(1, len(lines)), missing
