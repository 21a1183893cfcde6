"""Involvement from top to bottom (`samskab.landscape.involvement`), on hand-made records."""

from __future__ import annotations

from datetime import date

from samskab.core.activity import Activity, ActivityReport
from samskab.landscape.involvement import involvement
from tests.landscape.test_build import Aff, Org

D = date(2026, 5, 1)
ORGS = [
    Org(1, "Kultur og Fritid", "department", 1),
    Org(2, "Biblioteket", "department", 2, 1),
    Org(3, "Børnebiblioteket", "department", 3, 2),
    Org(4, "Musikskolen", "department", 2, 1),
    Org(5, "Teknik og Miljø", "department", 1),
    Org(9, "Roklubben", "association"),
]


def report(*pairs: tuple[int | None, str]) -> ActivityReport:
    return ActivityReport(
        (), tuple(Activity(kind, D, "challenge:1", person_id=p) for p, kind in pairs)
    )


def rows_by_unit(rows):
    return {r["department"]: r for r in rows}


def test_units_come_top_down_with_their_parents():
    rows = involvement(report(), ORGS, [], min_group=3)
    assert [r["department"] for r in rows] == ["org:1", "org:2", "org:3", "org:4", "org:5"]
    assert [r["parent"] for r in rows] == [None, "org:1", "org:2", "org:1", None]
    assert [r["level"] for r in rows] == [1, 2, 3, 2, 1]
    assert rows[0]["label"] == "Kultur og Fritid"
    assert [c["staff_level"] for c in rows[0]["levels"]] == [1, 2, 3, 4]


def test_a_unit_counts_its_descendants_people_once():
    affs = [Aff(p, 3, 4) for p in range(10, 16)] + [Aff(10, 2, 4), Aff(20, 4, 4)]
    acts = report((10, "idea"), (11, "idea"), (12, "comment"), (20, "idea"), (99, "idea"))
    rows = rows_by_unit(involvement(acts, ORGS, affs, min_group=3))
    top = rows["org:1"]["levels"][3]
    assert top["people"] == 7
    assert top["took_part"] == 4
    assert top["share"] == round(4 / 7, 4)
    # Three took part by an idea (shown); one commented (too few: null).
    assert top["by_kind"] == {"idea": 3, "comment": None}
    assert rows["org:3"]["levels"][3]["people"] == 6
    assert rows["org:5"]["levels"][3]["people"] == 0


def test_a_small_group_shows_no_figures():
    affs = [Aff(p, 4, 1) for p in (30, 31)]
    rows = rows_by_unit(involvement(report((30, "idea")), ORGS, affs, min_group=3))
    cell = rows["org:4"]["levels"][0]
    assert cell == {
        "staff_level": 1,
        "people": 2,
        "took_part": None,
        "share": None,
        "by_kind": None,
    }


def test_anonymous_acts_and_people_without_a_level_count_for_no_one():
    affs = [Aff(p, 5, None) for p in range(40, 50)] + [Aff(p, 5, 2) for p in range(50, 55)]
    acts = report((None, "vote"), (40, "idea"))
    cell = rows_by_unit(involvement(acts, ORGS, affs, min_group=3))["org:5"]["levels"][1]
    assert cell["people"] == 5
    assert cell["took_part"] == 0
    assert cell["by_kind"] == {}


def test_businesses_and_associations_have_no_row():
    rows = involvement(report(), ORGS, [Aff(1, 9, 4)], min_group=3)
    assert "org:9" not in rows_by_unit(rows)
