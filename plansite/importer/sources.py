"""Read a plan's source file into lines of text, or fail with a clear reason.

Three readers, one output: `Line`s in reading order, each knowing where it
came from (line of a .txt, page and line of a PDF, paragraph of a .docx).
A .docx also tells which lines are Word's own structure (numbering labels,
the header and signature tables, footnotes), so the parser does not have to
guess them; text and PDF lines go through `layout.paragraphs` first.

Refused, with a message and a non-zero exit: an empty file, a legacy .doc,
an encrypted file, a zip bomb, a PDF without a text layer, anything else
that is not text, PDF or .docx.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Limits that keep a hostile file from exhausting the machine.
MAX_SOURCE_BYTES = 50 * 1024 * 1024          # the file itself
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024        # a .docx unpacked
MAX_ZIP_RATIO = 200                           # per member: uncompressed / compressed
MAX_ZIP_MEMBERS = 2000
PDFTOTEXT_TIMEOUT = 60

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # legacy Word .doc and encrypted Office files
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
FOOTNOTE_OPEN, FOOTNOTE_CLOSE = "\ue000", "\ue001"   # a Word footnote reference: \ue000N\ue001


class ImportFailure(Exception):
    """The source cannot be imported; the message says why and what to do."""

    def __init__(self, where: str, message: str, fix: str):
        self.where, self.message, self.fix = where, message, fix
        super().__init__(f"{where}: {message} — {fix}")


@dataclass
class Line:
    """One line (text, PDF) or paragraph (.docx) of the source."""

    text: str
    where: int                 # 1-based line (text/PDF) or paragraph number (.docx)
    zone: str = "body"         # body | header | closing | footnote
    marker: str | None = None  # Word numbering label, e.g. "1.", "a)", "-"
    footnote: str | None = None  # zone footnote: its label
    page_start: bool = False   # first line of a PDF page
    after_rule: bool = False   # follows a long blank or underscored line (the footnote rule)
    indent: int = 0


@dataclass
class SourceText:
    name: str                  # the file name, for messages
    kind: str                  # txt | pdf | docx
    lines: list[Line] = field(default_factory=list)
    structured: bool = False   # True: lines are paragraphs already (.docx)


def read_source(path: Path) -> SourceText:
    """The source's lines, or ImportFailure."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFailure(name, f"cannot read the file ({exc.strerror})", "check the path") from None
    if not path.is_file():
        raise ImportFailure(name, "is not a file", "give the path of a .docx, .pdf or .txt file")
    if size == 0:
        raise ImportFailure(name, "the file is empty", "export the plan again from Word")
    if size > MAX_SOURCE_BYTES:
        raise ImportFailure(name, f"the file is {size // (1024 * 1024)} MB, more than a plan can be",
                            "check that this is the plan; split off attachments and scans")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == OLE_MAGIC:
        data = path.read_bytes()
        if ENCRYPTED_PACKAGE in data:
            raise ImportFailure(name, "the Word file is password-protected (encrypted)",
                                "open it in Word, remove the password (File > Info > Protect Document) and save again")
        raise ImportFailure(name, "this is an old Word 97-2003 .doc file, which cannot be read",
                            "open it in Word or LibreOffice and save it as .docx (Word Document)")
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF") or suffix == ".pdf":
        return _read_pdf(path)
    if head.startswith(b"PK\x03\x04") or suffix == ".docx":
        return _read_docx(path)
    if suffix in (".doc", ".rtf", ".odt"):
        raise ImportFailure(name, f"{suffix} files cannot be read", "save the plan as .docx (Word Document)")
    return _read_text(path)


# -----------------------------------------------------------------------------
# Text and PDF
# -----------------------------------------------------------------------------

def _decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw[:4096]:
        raise ImportFailure(name, "the file is not text (it holds binary data)",
                            "give the .docx, the PDF, or a text export (.txt, UTF-8) of the plan")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailure(f"{name}:{line}", f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                            "save the text as UTF-8 (not Windows-1258, VNI or TCVN3)") from None
    return unicodedata.normalize("NFC", text)


def _read_text(path: Path) -> SourceText:
    text = _decode(path.read_bytes(), path.name)
    return _text_lines(path.name, "txt", text)


def _text_lines(name: str, kind: str, text: str) -> SourceText:
    if not text.strip():
        raise ImportFailure(name, "the file holds no text", "export the plan again")
    source = SourceText(name, kind)
    page_start = True
    after_rule = False
    for number, raw in enumerate(text.split("\n"), 1):
        if "\f" in raw:  # pdftotext ends each page with a form feed
            page_start = True
            raw = raw.replace("\f", "")
        raw = raw.rstrip("\r")
        if not raw.strip() or set(raw.strip()) <= set("_"):
            # A long empty or underscored line is the rule above the footnotes.
            after_rule = after_rule or len(raw) >= 10
            continue
        raw = raw.rstrip()
        stripped = raw.lstrip()
        source.lines.append(Line(stripped if kind == "pdf" else " ".join(stripped.split()), number,
                                 page_start=page_start, indent=len(raw) - len(stripped), after_rule=after_rule))
        page_start = after_rule = False
    return source


def _read_pdf(path: Path) -> SourceText:
    name = path.name
    tool = shutil.which("pdftotext")
    if tool is None:
        raise ImportFailure(name, "pdftotext is not installed", "install poppler-utils (apt-get install poppler-utils)")
    try:
        done = subprocess.run([tool, "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              timeout=PDFTOTEXT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ImportFailure(name, f"reading the PDF took more than {PDFTOTEXT_TIMEOUT} s",
                            "check that this is the plan, not a scan of many pages") from None
    err = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        if "password" in err.lower() or "encrypt" in err.lower():
            raise ImportFailure(name, "the PDF is password-protected (encrypted)",
                                "import the .docx instead, or save the PDF again without a password")
        first = err.strip().splitlines()[0] if err.strip() else f"exit status {done.returncode}"
        raise ImportFailure(name, f"the PDF cannot be read ({first})",
                            "check that the file is a complete PDF; import the .docx if you have it")
    text = unicodedata.normalize("NFC", done.stdout.decode("utf-8", "replace"))
    if len(re.sub(r"\s", "", text)) < 20:
        raise ImportFailure(name, "the PDF has no text layer (it is a scanned image)",
                            "import the .docx the plan was typed in, or run OCR on the scan and import its text")
    # Layout mode keeps the columns of the header; spaces inside a line stay for layout.py.
    source = _text_lines(name, "pdf", text)
    return source


# -----------------------------------------------------------------------------
# Word (.docx)
# -----------------------------------------------------------------------------

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RT_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"


def _check_zip(path: Path) -> None:
    name = path.name
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFailure(name, f"the .docx file is damaged ({exc})", "open it in Word and save it again") from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportFailure(name, f"the .docx holds {len(infos)} parts, far more than a document has",
                            "this is not a plan; check the file")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNZIPPED_BYTES or (info.file_size > 1024 * 1024 and ratio > MAX_ZIP_RATIO):
            raise ImportFailure(name, "the .docx unpacks to far more data than it holds (a zip bomb)",
                                "do not open this file; ask for the plan's original .docx")
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise ImportFailure(name, "the file is a zip archive but not a Word document (no word/document.xml)",
                            "give the plan's .docx")


def _read_docx(path: Path) -> SourceText:
    _check_zip(path)
    name = path.name
    try:
        import docx  # python-docx, pinned in requirements.txt
        document = docx.Document(str(path))
    except ImportFailure:
        raise
    except Exception as exc:  # python-docx raises many kinds on a malformed package
        raise ImportFailure(name, f"the .docx cannot be read ({type(exc).__name__}: {exc})",
                            "open it in Word and save it again as .docx") from None
    source = SourceText(name, "docx", structured=True)
    numbering = _Numbering(document)
    body = document.element.body
    number = 0
    tables_seen = 0
    for child in body.iterchildren():
        if child.tag == W + "p":
            number += 1
            text = _paragraph_text(child)
            marker = numbering.label(child, document)
            if not text.strip() and not marker:
                continue
            line = Line(text.strip(), number, marker=marker)
            source.lines.append(line)
        elif child.tag == W + "tbl":
            tables_seen += 1
            rows = child.findall(f"{W}tr")
            cells = [[c for c in row.findall(f"{W}tc")] for row in rows]
            zone = "header" if not source.lines and tables_seen == 1 else "closing"
            for row in cells:
                for column, cell in enumerate(row):
                    for p in cell.iter(W + "p"):
                        number += 1
                        text = _paragraph_text(p).strip()
                        if text:
                            source.lines.append(Line(text, number, zone=zone, indent=column))
    source.lines += _footnotes(document, name, number)
    if not any(line.text for line in source.lines):
        raise ImportFailure(name, "the Word document holds no text", "check that this is the plan")
    for line in source.lines:
        line.text = unicodedata.normalize("NFC", line.text)
    return source


def _paragraph_text(p) -> str:
    """Text of a paragraph, footnote references as \\ue000N\\ue001, tabs and breaks as spaces."""
    out = []
    custom_mark = False
    for node in p.iter():
        tag = node.tag
        if tag == W + "t":
            text = node.text or ""
            if custom_mark:  # the mark typed after a custom-marked reference, e.g. "(1)"
                text = re.sub(r"^\s*(?:\(\d{1,3}\)|\d{1,3}|\*+)", "", text, count=1)
                custom_mark = False
            out.append(text)
        elif tag in (W + "tab", W + "br", W + "cr"):
            out.append(" ")
        elif tag == W + "footnoteReference":
            out.append(f"{FOOTNOTE_OPEN}{node.get(W + 'id')}{FOOTNOTE_CLOSE}")
            custom_mark = node.get(W + "customMarkFollows") in ("1", "true", "on")
        elif tag == W + "noBreakHyphen":
            out.append("-")
    return "".join(out)


def _footnotes(document, name: str, number: int) -> list[Line]:
    """Footnote paragraphs, numbered on after the body's paragraphs."""
    part = None
    for rel in document.part.rels.values():
        if rel.reltype == RT_FOOTNOTES and not rel.is_external:
            part = rel.target_part
    if part is None:
        return []
    from lxml import etree

    try:
        root = etree.fromstring(part.blob, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise ImportFailure(name, f"the footnotes of the .docx are damaged ({exc})",
                            "open it in Word and save it again") from None
    lines = []
    for fn in root.findall(f"{W}footnote"):
        if fn.get(W + "type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        ident = fn.get(W + "id")
        for j, p in enumerate(fn.findall(f"{W}p")):
            text = _paragraph_text(p).strip()
            if j == 0:  # a mark typed at the start of the note ("(1) Chỉ thị …") is Word's, not the text
                text = re.sub(r"^\(\d{1,3}\)\s+", "", text)
            if text:
                number += 1
                lines.append(Line(text, number, zone="footnote", footnote=ident))
    return lines


class _Numbering:
    """Word's automatic numbering, turned back into the labels it prints ("1.", "1.1.", "a)", "-")."""

    def __init__(self, document: Any) -> None:  # Any: python-docx ships no types
        self.counters: dict[tuple[str, int], int] = {}
        self.levels: dict[tuple[str, int], tuple[str, str, int]] = {}
        self.abstract_of: dict[str, str] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.shared: dict[str, str] = {}
        try:
            numbering = document.part.numbering_part.element
        except Exception:  # no numbering part: no automatic numbering
            numbering = None
        if numbering is not None:
            abstracts = {}
            for a in numbering.findall(f"{W}abstractNum"):
                lv = {}
                for lvl in a.findall(f"{W}lvl"):
                    fmt = lvl.find(f"{W}numFmt")
                    txt = lvl.find(f"{W}lvlText")
                    start = lvl.find(f"{W}start")
                    lv[int(lvl.get(W + "ilvl"))] = (fmt.get(W + "val") if fmt is not None else "decimal",
                                                    txt.get(W + "val") if txt is not None else "",
                                                    int(start.get(W + "val")) if start is not None else 1)
                abstracts[a.get(W + "abstractNumId")] = lv
            for num in numbering.findall(f"{W}num"):
                ref = num.find(f"{W}abstractNumId")
                if ref is None:
                    continue
                num_id, abstract = num.get(W + "numId"), ref.get(W + "val")
                overrides = {}
                for override in num.findall(f"{W}lvlOverride"):
                    start = override.find(f"{W}startOverride")
                    if start is not None:
                        overrides[int(override.get(W + "ilvl"))] = int(start.get(W + "val"))
                # A list that restarts its numbering counts on its own; others continue the list.
                self.abstract_of[num_id] = f"num-{num_id}" if overrides else abstract
                for ilvl, spec in abstracts.get(abstract, {}).items():
                    fmt, text, start = spec
                    self.levels[(num_id, ilvl)] = (fmt, text, overrides.get(ilvl, start))
        for style in document.styles.element.findall(f"{W}style"):
            ppr = style.find(f"{W}pPr")
            numpr = ppr.find(f"{W}numPr") if ppr is not None else None
            if numpr is not None and numpr.find(f"{W}numId") is not None:
                ilvl = numpr.find(f"{W}ilvl")
                self.style_num[style.get(W + "styleId")] = (numpr.find(f"{W}numId").get(W + "val"),
                                                            int(ilvl.get(W + "val")) if ilvl is not None else 0)

    def label(self, p, document) -> str | None:
        ppr = p.find(f"{W}pPr")
        num_id = ilvl = None
        if ppr is not None:
            numpr = ppr.find(f"{W}numPr")
            if numpr is not None and numpr.find(f"{W}numId") is not None:
                num_id = numpr.find(f"{W}numId").get(W + "val")
                lv = numpr.find(f"{W}ilvl")
                ilvl = int(lv.get(W + "val")) if lv is not None else 0
            style = ppr.find(f"{W}pStyle")
            if num_id is None and style is not None and style.get(W + "val") in self.style_num:
                num_id, ilvl = self.style_num[style.get(W + "val")]
        if num_id is None or ilvl is None or num_id == "0" or (num_id, ilvl) not in self.levels:
            return None
        fmt, text, start = self.levels[(num_id, ilvl)]
        # Numbers sharing one abstract definition count together (Word's list continuation).
        key = self.abstract_of.get(num_id, num_id)
        self.counters[(key, ilvl)] = self.counters.get((key, ilvl), start - 1) + 1
        for (k, level) in list(self.counters):
            if k == key and level > ilvl:
                del self.counters[(k, level)]
        if fmt == "bullet":
            return "+" if text.strip() == "+" else "-"
        if fmt == "none":
            return text or None

        def value(match):
            level = int(match.group(1)) - 1
            lfmt, _, lstart = self.levels.get((num_id, level), ("decimal", "", 1))
            n = self.counters.get((key, level), lstart)
            if lfmt == "lowerLetter":
                return "abcdefghijklmnopqrstuvwxyz"[(n - 1) % 26]
            if lfmt == "upperLetter":
                return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[(n - 1) % 26]
            if lfmt in ("upperRoman", "lowerRoman"):
                r = _roman(n)
                return r if lfmt == "upperRoman" else r.lower()
            return str(n)

        return re.sub(r"%(\d)", value, text).strip() or None


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out += letters
            n -= value
    return out
