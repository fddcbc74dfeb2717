"""The unit × task matrix, one table per section of the plan.

A single table of every unit against every assigned element grows with the
product of the two (600 units × 700 columns at 50× the real plan): it would
be the heaviest page of the site, unreadable on a phone and unprintable. One
table per section, with only the units that have a duty in that section, holds
exactly the duties there are (its size grows with them, not with their
product) and is narrow enough to read.

    groups = matrix_groups(graph)   # [MatrixGroup(section, columns, rows), …] in plan order
"""

from __future__ import annotations

from dataclasses import dataclass

from . import model as m
from .graph import Assignment, Graph


@dataclass(frozen=True)
class MatrixGroup:
    """The matrix of one section: its assigned elements (columns, plan order) and
    one row per unit with a duty among them (registry order): the unit's
    assignment in each column, own or through a group, or None."""

    section: m.Section
    columns: tuple[m.Section | m.Block, ...]
    rows: tuple[tuple[m.Unit, tuple[Assignment | None, ...]], ...]

    @property
    def anchor(self) -> str:
        """The id of the group's heading on the units page (a renamed section's old
        one is followed: permalinks.section_aliases)."""
        return f"ma-tran-{self.section.id}"


def matrix_groups(graph: Graph) -> list[MatrixGroup]:
    """The matrix split by section; sections without an assigned element have no group."""
    columns: dict[str, list[m.Section | m.Block]] = {}
    sections: dict[str, m.Section] = {}
    for section, element in graph.assigned_elements():
        sections[section.id] = section
        columns.setdefault(section.id, []).append(element)
    cells: dict[str, dict[str, dict[str, Assignment]]] = {sid: {} for sid in columns}  # section -> unit -> el -> a
    units: dict[str, m.Unit] = {}
    for unit in graph.assigned_units():
        units[unit.id] = unit
        own = graph.assignments_of(unit.id)
        shared = [a for _, group in graph.inherited_of(unit.id) for a in group]
        for a in [*own, *shared]:  # an own duty wins over the same duty through a group
            row = cells[a.section.id].setdefault(unit.id, {})
            row.setdefault(a.element.id, a)
    order = {u.id: i for i, u in enumerate(graph.content.units)}
    return [MatrixGroup(sections[sid], tuple(cols),
                        tuple((units[uid], tuple(row.get(el.id) for el in cols))
                              for uid, row in sorted(cells[sid].items(), key=lambda item: order[item[0]])))
            for sid, cols in columns.items()]
