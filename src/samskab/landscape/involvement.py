"""Involvement from top to bottom: per municipal unit and staff level, how many took part.

Pure Python over plain records (the directory's organisations and affiliations, and one
period's activity). A unit counts its own people and those of the units below it (a
forvaltning counts its afdelinger and their teams), each person once per level. A person took
part when any act in the period names them (an anonymous act names no one and counts for no
one).

Privacy: a cell (unit × staff level) with fewer people than `min_group` stores null for
`took_part`, `share` and `by_kind`; in a cell large enough, a kind that between 1 and
`min_group` − 1 people took part in stores null (a small count could point at a person).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from samskab.core.activity import KINDS, ActivityReport
from samskab.landscape.build import AffiliationRecord, OrgRecord, org_actor_id

#: Staff levels, top down: direktion, chefer, ledere, medarbejdere.
STAFF_LEVELS = (1, 2, 3, 4)


def involvement(
    report: ActivityReport,
    orgs: Iterable[OrgRecord],
    affiliations: Iterable[AffiliationRecord],
    *,
    min_group: int,
) -> list[dict[str, Any]]:
    """The document's "involvement" rows: every municipal unit, depth first from each
    forvaltning (units of one parent by name, then id)."""
    units = {o.id: o for o in orgs if o.kind == "department"}
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit in units.values():
        parent = unit.parent_id if unit.parent_id in units else None
        children[parent].append(unit.id)
    for ids in children.values():
        ids.sort(key=lambda i: (units[i].name, i))

    kinds_of: dict[int, set[str]] = defaultdict(set)
    for act in report.activities:
        if act.person_id is not None:
            kinds_of[act.person_id].add(act.kind)

    own: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for aff in affiliations:
        if aff.organisation_id in units and aff.staff_level in STAFF_LEVELS:
            own[aff.organisation_id][aff.staff_level].add(aff.person_id)

    rows: list[dict[str, Any]] = []

    def visit(unit_id: int, depth: int, seen: frozenset[int]) -> dict[int, set[int]]:
        """Append the unit's row (before its children's) and return its people per level."""
        row: dict[str, Any] = {}
        rows.append(row)
        people: dict[int, set[int]] = defaultdict(set)
        for level, found in own[unit_id].items():
            people[level] |= found
        for child in children.get(unit_id, []):
            if child not in seen:
                for level, found in visit(child, depth + 1, seen | {child}).items():
                    people[level] |= found
        unit = units[unit_id]
        parent = unit.parent_id if unit.parent_id in units else None
        row.update(
            {
                "department": org_actor_id(unit_id),
                "label": unit.name,
                "level": unit.level if unit.level is not None else depth,
                "parent": org_actor_id(parent) if parent is not None else None,
                "levels": [
                    _cell(level, people[level], kinds_of, min_group) for level in STAFF_LEVELS
                ],
            }
        )
        return people

    for top in children.get(None, []):
        visit(top, 1, frozenset({top}))
    return rows


def _cell(
    level: int, people: set[int], kinds_of: dict[int, set[str]], min_group: int
) -> dict[str, Any]:
    count = len(people)
    if count < min_group:
        return {
            "staff_level": level,
            "people": count,
            "took_part": None,
            "share": None,
            "by_kind": None,
        }
    took_part = [p for p in people if kinds_of.get(p)]
    by_kind: dict[str, int | None] = {}
    for kind in KINDS:
        n = sum(1 for p in took_part if kind in kinds_of[p])
        if n:
            by_kind[kind] = n if n >= min_group else None
    return {
        "staff_level": level,
        "people": count,
        "took_part": len(took_part),
        "share": round(len(took_part) / count, 4),
        "by_kind": by_kind,
    }
