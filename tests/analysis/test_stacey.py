"""Worked examples for samskab.analysis.stacey (agreement–certainty placement). No Django."""

from __future__ import annotations

import math

import pytest

from samskab.analysis.stacey import (
    DEFAULT_THRESHOLDS,
    LIKERT_5,
    UNIT,
    ZERO_TO_TEN,
    Position,
    Rating,
    RatingScale,
    Zone,
    ZoneThresholds,
    classify,
    compare_rounds,
    scale_rating,
    summarise_round,
)

# ------------------------------------------------------------------------------ scaling


@pytest.mark.parametrize(
    ("value", "scale", "expected"),
    [
        (1, LIKERT_5, 0.0),
        (5, LIKERT_5, 1.0),
        (3, LIKERT_5, 0.5),
        (4, LIKERT_5, 0.75),
        (3.5, LIKERT_5, 0.625),
        (0, ZERO_TO_TEN, 0.0),
        (7, ZERO_TO_TEN, 0.7),
        (10, ZERO_TO_TEN, 1.0),
        (0.3, UNIT, 0.3),
    ],
)
def test_scale_rating(value: float, scale: RatingScale, expected: float) -> None:
    assert scale_rating(value, scale) == pytest.approx(expected, abs=1e-15)


@pytest.mark.parametrize("value", [0, 6, -1, 5.01, math.nan, math.inf])
def test_scale_rating_rejects_out_of_scale(value: float) -> None:
    with pytest.raises(ValueError):
        scale_rating(value)


@pytest.mark.parametrize("value", [True, "3", None])
def test_scale_rating_rejects_non_numbers(value: object) -> None:
    with pytest.raises(ValueError, match="number"):
        scale_rating(value)  # type: ignore[arg-type]


def test_scale_rating_error_message_names_the_scale() -> None:
    with pytest.raises(ValueError, match=r"outside the scale 0\.\.10"):
        scale_rating(11, ZERO_TO_TEN)


def test_rating_scale_validation() -> None:
    with pytest.raises(ValueError):
        RatingScale(5, 1)
    with pytest.raises(ValueError):
        RatingScale(1, 1)
    with pytest.raises(ValueError):
        RatingScale(0, math.inf)


# ------------------------------------------------------------------------------ zones


@pytest.mark.parametrize(
    ("a", "c", "zone"),
    [
        (0.8, 0.8, Zone.TECHNICALLY_RATIONAL),
        (0.7, 0.7, Zone.TECHNICALLY_RATIONAL),  # boundaries are inclusive on the "close" side
        (1.0, 1.0, Zone.TECHNICALLY_RATIONAL),
        (0.2, 0.9, Zone.POLITICAL),
        (0.39, 0.7, Zone.POLITICAL),
        (0.4, 0.9, Zone.COMPLEXITY),  # a = low is no longer "far from agreement"
        (0.9, 0.2, Zone.JUDGMENTAL),
        (0.7, 0.39, Zone.JUDGMENTAL),
        (0.9, 0.4, Zone.COMPLEXITY),
        (0.1, 0.1, Zone.CHAOS),
        (0.0, 0.0, Zone.CHAOS),
        (0.29, 0.29, Zone.CHAOS),
        (0.3, 0.29, Zone.COMPLEXITY),  # chaos needs both below 0.3
        (0.2, 0.5, Zone.COMPLEXITY),
        (0.5, 0.5, Zone.COMPLEXITY),
        (0.69, 0.69, Zone.COMPLEXITY),
    ],
)
def test_classify_default_thresholds(a: float, c: float, zone: Zone) -> None:
    assert classify(a, c) is zone


def test_classify_custom_thresholds() -> None:
    strict = ZoneThresholds(high=0.9, low=0.5, chaos=0.2)
    assert classify(0.8, 0.8) is Zone.TECHNICALLY_RATIONAL
    assert classify(0.8, 0.8, strict) is Zone.COMPLEXITY
    assert classify(0.45, 0.95, strict) is Zone.POLITICAL
    assert classify(0.25, 0.25, strict) is Zone.COMPLEXITY


@pytest.mark.parametrize(("a", "c"), [(-0.1, 0.5), (0.5, 1.1), (math.nan, 0.5)])
def test_classify_rejects_points_outside_the_unit_square(a: float, c: float) -> None:
    with pytest.raises(ValueError):
        classify(a, c)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"high": 0.4, "low": 0.5},  # low must be below high
        {"high": 0.5, "low": 0.5},
        {"chaos": 0.45},  # chaos above low
        {"high": 1.1},
        {"chaos": -0.1},
        {"low": math.nan},
    ],
)
def test_thresholds_are_validated(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        ZoneThresholds(**kwargs)


def test_thresholds_are_frozen() -> None:
    with pytest.raises(AttributeError):
        DEFAULT_THRESHOLDS.high = 0.8  # type: ignore[misc]


def test_zone_numbers_and_approaches() -> None:
    assert [int(z) for z in Zone] == [1, 2, 3, 4, 5]
    assert "plan" in Zone.TECHNICALLY_RATIONAL.approach
    assert "negotiat" in Zone.POLITICAL.approach
    assert "vision" in Zone.JUDGMENTAL.approach
    assert "safe-to-fail" in Zone.COMPLEXITY.approach
    assert "stabilise" in Zone.CHAOS.approach


# ------------------------------------------------------------------------------ rounds

ROUND_1 = [
    Rating(5, 4, "borger"),
    Rating(4, 4, "borger"),
    Rating(2, 5, "politiker"),
    Rating(1, 5, "politiker"),
]


def test_summarise_round_worked_example() -> None:
    # Scaled: borger (1, .75), (.75, .75); politiker (.25, 1), (0, 1).
    s = summarise_round(ROUND_1)
    o = s.overall
    assert o.n == 4
    assert o.mean == Position(0.5, 0.875)
    # Population SD: agreement deviations ±.5, ±.25 -> sqrt(.625/4); certainty ±.125.
    assert o.spread.agreement == pytest.approx(math.sqrt(0.625 / 4))
    assert o.spread.certainty == pytest.approx(0.125)
    assert o.zone is Zone.COMPLEXITY  # a = .5 is neither close nor far
    assert o.zone_counts[Zone.TECHNICALLY_RATIONAL] == 2
    assert o.zone_counts[Zone.POLITICAL] == 2
    assert sum(o.zone_counts.values()) == 4

    borger, politiker = s.roles["borger"], s.roles["politiker"]
    assert borger.mean == Position(0.875, 0.75) and borger.zone is Zone.TECHNICALLY_RATIONAL
    assert borger.spread == Position(0.125, 0.0)
    assert politiker.mean == Position(0.125, 1.0) and politiker.zone is Zone.POLITICAL
    assert list(s.roles) == ["borger", "politiker"]

    # Gap: |(.875, .75) − (.125, 1)| = sqrt(.75² + .25²).
    assert s.gap is not None
    assert (s.gap.role_a, s.gap.role_b) == ("borger", "politiker")
    assert s.gap.distance == pytest.approx(math.sqrt(0.625))


def test_summarise_round_zero_to_ten() -> None:
    s = summarise_round([Rating(7, 7), Rating(7, 7), Rating(7, 7)], ZERO_TO_TEN)
    # 0.7 three times must stay exactly on the zone-1 boundary despite float sums.
    assert s.overall.mean == Position(0.7, 0.7)
    assert s.overall.zone is Zone.TECHNICALLY_RATIONAL
    assert s.overall.spread == Position(0.0, 0.0)
    assert s.roles == {} and s.gap is None


def test_ratings_without_role_count_overall_only() -> None:
    s = summarise_round([*ROUND_1, Rating(3, 3)])
    assert s.overall.n == 5
    assert sum(r.n for r in s.roles.values()) == 4


def test_gap_picks_the_furthest_pair_of_three_roles() -> None:
    s = summarise_round(
        [Rating(5, 5, "a"), Rating(4, 5, "b"), Rating(1, 1, "c")],
    )
    assert s.gap is not None
    assert (s.gap.role_a, s.gap.role_b) == ("a", "c")
    assert s.gap.distance == pytest.approx(math.sqrt(2))


def test_single_role_has_no_gap() -> None:
    assert summarise_round([Rating(3, 3, "borger")]).gap is None


def test_summarise_round_errors() -> None:
    with pytest.raises(ValueError, match="at least one"):
        summarise_round([])
    with pytest.raises(ValueError, match="rating 1"):
        summarise_round([Rating(3, 3), Rating(6, 3)])
    with pytest.raises(ValueError, match="rating 0"):
        summarise_round([Rating(3, 11)], ZERO_TO_TEN)


def test_summarise_round_accepts_a_generator_and_custom_thresholds() -> None:
    strict = ZoneThresholds(high=0.9, low=0.5, chaos=0.2)
    s = summarise_round((r for r in ROUND_1), thresholds=strict)
    assert s.roles["borger"].zone is Zone.COMPLEXITY
    assert s.thresholds is strict


# ------------------------------------------------------------------------------ comparing


def test_compare_rounds_worked_example() -> None:
    before = summarise_round(ROUND_1)
    after = summarise_round(
        [
            Rating(5, 5, "borger"),
            Rating(5, 5, "borger"),
            Rating(4, 5, "politiker"),
            Rating(3, 5, "politiker"),
            Rating(3, 4, "forening"),
        ]
    )
    cmp = compare_rounds(before, after)
    # Overall after: a = (1+1+.75+.5+.5)/5 = .75, c = (1+1+1+1+.75)/5 = .95.
    assert after.overall.mean == Position(0.75, 0.95)
    assert cmp.overall.agreement == pytest.approx(0.25)
    assert cmp.overall.certainty == pytest.approx(0.075)
    assert cmp.overall.distance == pytest.approx(math.hypot(0.25, 0.075))
    assert cmp.overall.zone_before is Zone.COMPLEXITY
    assert cmp.overall.zone_after is Zone.TECHNICALLY_RATIONAL
    assert cmp.overall.zone_changed

    # Politicians moved from (.125, 1) to (.625, 1): +.5 agreement, zone 2 -> 4.
    pol = cmp.roles["politiker"]
    assert (pol.agreement, pol.certainty) == (pytest.approx(0.5), pytest.approx(0.0))
    assert (pol.zone_before, pol.zone_after) == (Zone.POLITICAL, Zone.COMPLEXITY)
    borger = cmp.roles["borger"]
    assert (borger.agreement, borger.certainty) == (pytest.approx(0.125), pytest.approx(0.25))
    assert not borger.zone_changed

    assert cmp.roles_added == ("forening",) and cmp.roles_dropped == ()
    # Gap before sqrt(.625) ≈ .79 (borger–politiker); after: furthest pair is borger (1, 1)
    # and forening (.5, .75): sqrt(.25 + .0625).
    assert after.gap is not None and (after.gap.role_a, after.gap.role_b) == ("borger", "forening")
    assert cmp.gap_after == pytest.approx(math.sqrt(0.3125))
    assert cmp.gap_change == pytest.approx(math.sqrt(0.3125) - math.sqrt(0.625))


def test_compare_rounds_dropped_role_and_missing_gap() -> None:
    before = summarise_round(ROUND_1)
    after = summarise_round([Rating(3, 3, "borger")])
    cmp = compare_rounds(before, after)
    assert cmp.roles_dropped == ("politiker",)
    assert cmp.gap_after is None and cmp.gap_change is None
    assert set(cmp.roles) == {"borger"}


def test_compare_identical_rounds_is_zero_shift() -> None:
    s = summarise_round(ROUND_1)
    cmp = compare_rounds(s, s)
    assert cmp.overall.distance == 0.0 and not cmp.overall.zone_changed
    assert cmp.gap_change == 0.0
