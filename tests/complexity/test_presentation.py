"""The result page's numbers and drawing, from analysis.stacey's summaries."""

from __future__ import annotations

import pytest

from samskab.analysis.stacey import ZoneThresholds
from samskab.complexity import presentation


class R:
    def __init__(self, agreement: int, certainty: int, role: str = "") -> None:
        self.agreement, self.certainty, self.role = agreement, certainty, role


def test_roles_too_small_are_merged_into_others_and_the_gap_uses_shown_roles_only():
    ratings = [R(1, 5, "borger")] * 5 + [R(5, 1, "leder")] * 5
    ratings += [R(3, 3, "politiker")] * 3 + [R(4, 4, "borgmester")] * 2
    built = presentation.build(presentation.summarise(ratings, ZoneThresholds()))
    assert [(p.label, p.n) for p in built["roles"]] == [("Borger", 5), ("Leder", 5), ("Andre", 5)]
    assert built["hidden_roles"] == 2 and "færre end 5 deltagere" in built["hidden_note"]
    assert {built["gap"]["a"], built["gap"]["b"]} <= {"Borger", "Leder", "Andre"}
    assert built["overall"].n == 15
    assert {p.shape for p in built["roles"]} == {"square", "triangle", "diamond"}
    assert all(p.path.startswith("M") for p in built["roles"])


@pytest.mark.parametrize("mayors", [1, 4])
def test_a_role_below_the_minimum_is_never_shown_alone(mayors):
    ratings = [R(1, 5, "borger")] * 5 + [R(5, 1, "leder")] * 6 + [R(5, 5, "borgmester")] * mayors
    built = presentation.build(presentation.summarise(ratings, ZoneThresholds()))
    labels = [p.label for p in built["roles"]]
    assert "Borgmester" not in labels and built["hidden_note"]
    # Too few for "andre" alone: the smallest role shown joins them, so the total minus the
    # roles shown never leaves the mayors' answers.
    assert labels == ["Leder", "Andre"]
    assert sum(p.n for p in built["roles"]) == built["overall"].n


def test_a_role_with_the_minimum_is_shown():
    ratings = [R(1, 5, "borger")] * 5 + [R(5, 5, "borgmester")] * 5
    built = presentation.build(presentation.summarise(ratings, ZoneThresholds()))
    assert [p.label for p in built["roles"]] == ["Borger", "Borgmester"]
    assert built["hidden_roles"] == 0 and built["hidden_note"] == ""


def test_the_minimum_follows_the_setting(settings):
    settings.SAMSKAB_MIN_GROUP_SIZE = 2
    ratings = [R(1, 5, "borger"), R(2, 5, "borger"), R(5, 1, "leder"), R(5, 2, "leder")]
    built = presentation.build(presentation.summarise(ratings, ZoneThresholds()))
    assert [p.label for p in built["roles"]] == ["Borger", "Leder"]
    settings.SAMSKAB_MIN_GROUP_SIZE = 1  # never below 2
    built = presentation.build(presentation.summarise([*ratings, R(3, 3, "x")], ZoneThresholds()))
    assert "Ikke oplyst" not in [p.label for p in built["roles"]]


def test_movement_is_signed_and_names_the_zone_before():
    t = ZoneThresholds()
    before = presentation.summarise([R(1, 1), R(1, 1)], t)
    after = presentation.summarise([R(3, 1), R(3, 1)], t)
    built = presentation.build(after, before)
    assert built["movement"]["delta_agreement"] == "+50"
    assert built["movement"]["delta_certainty"] == "0"
    assert built["movement"]["zone_before"] == 5 and built["movement"]["zone_changed"]
    back = presentation.build(before, after)
    assert back["movement"]["delta_agreement"] == "\u221250"


def test_zone_rectangles_follow_the_thresholds():
    t = ZoneThresholds(high=0.8, low=0.4, chaos=0.2)
    built = presentation.build(presentation.summarise([R(3, 3)], t))
    rects = {z["zone"]: z for z in built["zones"]}
    plot, left, top = built["plot"], built["left"], built["top"]
    assert rects[1]["x"] == left + 0.8 * plot and rects[1]["y"] == top
    assert rects[5]["w"] == round(0.2 * plot, 1)
    assert rects[3]["y"] == round(top + 0.6 * plot, 1)


def test_reasons_are_sorted_alphabetically_not_by_time():
    built = presentation.build(
        presentation.summarise([R(3, 3)], ZoneThresholds()), reasons=["b", "Å", "a"]
    )
    assert built["reasons"] == ["a", "b", "Å"]


def test_no_ratings_no_summary():
    assert presentation.summarise([], ZoneThresholds()) is None
