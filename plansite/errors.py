"""Content problems: one located, actionable message each, reported all at once."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a content file, with where it is and how to fix it."""

    file: str
    line: int
    column: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message} — {self.fix}"


class ContentError(Exception):
    """Raised when content fails validation; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self, where: str = "content/") -> str:
        return report(self.problems, where)


def report(problems: list[Problem], where: str = "content/") -> str:
    """One line per problem, then how many there are (and where, if given)."""
    problems = sorted(set(problems))
    lines = [str(p) for p in problems]
    noun = "problem" if len(lines) == 1 else "problems"
    lines.append(f"{len(problems)} {noun}" + (f" in {where}." if where else "."))
    return "\n".join(lines)
