"""The review report: every place the importer was unsure, for the editor to check first.

Each entry names the source line and, once the YAML is written, the line of
the YAML that holds the result, so the editor can open both side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Kinds of doubt, in the order the report lists them.
KINDS = {
    "attached": "unlabelled line attached to the element before it",
    "field": "field label not recognised",
    "timing": "timing kept as free text",
    "unit": "unit wording not understood",
    "number": "document number not parsed",
    "join": "sentence changed while repairing line breaks",
    "structure": "structure guessed",
    "header": "header element not found",
    "inferred": "taken from the wording, not stated as such",
}


@dataclass
class Entry:
    kind: str
    source_line: int | None       # line (or paragraph) of the source
    message: str
    file: str = "plan.yaml"       # the YAML file that holds the result
    path: tuple | None = None     # path of the value in that file, resolved to a line after writing
    yaml_line: int | None = None
    anchor: int | None = None     # first source line of the element the entry is about


@dataclass
class Review:
    source_name: str
    source_unit: str = "line"     # line | paragraph
    entries: list[Entry] = field(default_factory=list)

    def add(self, kind: str, source_line: int | None, message: str, *, file: str = "plan.yaml",
            path: tuple | None = None, anchor: int | None = None) -> Entry:
        entry = Entry(kind, source_line, message, file, path, anchor=anchor)
        self.entries.append(entry)
        return entry

    def report(self, out_dir_display: str) -> str:
        lines = [f"Import review: {self.source_name} -> {out_dir_display}/",
                 f"{len(self.entries)} place(s) to check first." if self.entries
                 else "Nothing uncertain was found; still read the draft against the source."]
        order = list(KINDS)
        for entry in sorted(self.entries, key=lambda e: (order.index(e.kind), e.source_line or 0)):
            src = (f"{self.source_name}:{entry.source_line}" if self.source_unit == "line"
                   else f"{self.source_name} {self.source_unit} {entry.source_line}") \
                if entry.source_line is not None else self.source_name
            dest = f"{out_dir_display}/{entry.file}" + (f":{entry.yaml_line}" if entry.yaml_line else "")
            lines.append(f"- [{KINDS[entry.kind]}] {src} -> {dest}: {entry.message}")
        return "\n".join(lines) + "\n"
