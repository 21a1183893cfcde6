"""Placement on Stacey's agreement–certainty matrix, per round and per role.

Source of the matrix: R. D. Stacey (1996), "Strategic Management and Organisational Dynamics",
2nd ed., as described by B. Zimmerman, Plexus Institute, "Edgeware" ("Stacey's agreement &
certainty matrix"). Its two axes:

* agreement: how far the group agrees on the issue and on how to address it;
* certainty: how far cause and effect are known, so that the past predicts the future.

Survey wording (Liberating Structures, "Agreement-&-Certainty Matrix"): "What is the degree of
agreement among the participants regarding the challenge and the best way to address it?" and
"What is the degree of certainty and predictability about what results will be generated from
the solutions proposed?".

Zones, with the approach that fits (Zimmerman):

1. technically rational (close to agreement and certainty): plan from data, monitor against plan;
2. political (far from agreement, close to certainty): coalitions, negotiation, compromise;
3. judgmental (close to agreement, far from certainty): a shared mission/vision instead of a plan;
4. complexity (the middle band): creativity, co-creation, safe-to-fail experiments;
5. chaos (far from both): act first to stabilise.

Placement rule (marked [design] in the project's METHODS.md: our own choice, configurable per
municipality through :class:`ZoneThresholds`): ratings on 1–5 (or 0–10) are scaled linearly to
0–1, 1 = high agreement / high certainty; with defaults high = 0.7, low = 0.4, chaos = 0.3:

* zone 1 if a ≥ high and c ≥ high;  zone 2 if a < low and c ≥ high;
* zone 3 if a ≥ high and c < low;   zone 5 if a < chaos and c < chaos;
* zone 4 otherwise.

Stacey later dropped the diagram because it was read as a diagnosis: present the result as a
prompt for conversation. The spread of the ratings and the gap between roles measure
disagreement more honestly than self-reported agreement, so a round summary reports both.

Spread is the population standard deviation (ddof = 0): it describes this group's own ratings,
not an estimate for a larger population, and on the 0–1 scale it is at most 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from itertools import combinations

__all__ = [
    "DEFAULT_THRESHOLDS",
    "LIKERT_5",
    "UNIT",
    "ZERO_TO_TEN",
    "GroupSummary",
    "Position",
    "Rating",
    "RatingScale",
    "RoleGap",
    "RoundComparison",
    "RoundSummary",
    "Shift",
    "Zone",
    "ZoneThresholds",
    "classify",
    "compare_rounds",
    "scale_rating",
    "summarise_round",
]


class Zone(IntEnum):
    """The five zones of the matrix, numbered as in METHODS.md."""

    TECHNICALLY_RATIONAL = 1
    POLITICAL = 2
    JUDGMENTAL = 3
    COMPLEXITY = 4
    CHAOS = 5

    @property
    def approach(self) -> str:
        """The approach that fits the zone (Zimmerman's reading of Stacey)."""
        return _APPROACH[self]


_APPROACH: dict[Zone, str] = {
    Zone.TECHNICALLY_RATIONAL: "plan from data and monitor against the plan",
    Zone.POLITICAL: "build coalitions, negotiate and compromise",
    Zone.JUDGMENTAL: "work from a shared mission or vision instead of a plan",
    Zone.COMPLEXITY: "co-create; run safe-to-fail experiments",
    Zone.CHAOS: "act first to stabilise",
}


def _check_finite(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return v


@dataclass(frozen=True)
class RatingScale:
    """A rating scale ``low..high`` (inclusive), mapped linearly onto 0..1."""

    low: float = 1.0
    high: float = 5.0

    def __post_init__(self) -> None:
        low = _check_finite(self.low, "scale low")
        high = _check_finite(self.high, "scale high")
        if not low < high:
            raise ValueError(f"scale needs low < high, got {low}..{high}")


#: The default 1–5 scale, the 0–10 scale, and the already-scaled 0–1 scale.
LIKERT_5 = RatingScale(1.0, 5.0)
ZERO_TO_TEN = RatingScale(0.0, 10.0)
UNIT = RatingScale(0.0, 1.0)


@dataclass(frozen=True)
class ZoneThresholds:
    """Zone boundaries on the 0–1 scale; must satisfy 0 ≤ chaos ≤ low < high ≤ 1.

    * ``high``: at or above it an axis counts as "close to" agreement/certainty (zones 1–3);
    * ``low``: below it an axis counts as "far from" for zones 2 and 3;
    * ``chaos``: below it on *both* axes is zone 5.
    """

    high: float = 0.7
    low: float = 0.4
    chaos: float = 0.3

    def __post_init__(self) -> None:
        high = _check_finite(self.high, "high")
        low = _check_finite(self.low, "low")
        chaos = _check_finite(self.chaos, "chaos")
        if not 0.0 <= chaos <= low < high <= 1.0:
            raise ValueError(
                "zone thresholds must satisfy 0 <= chaos <= low < high <= 1, got "
                f"chaos={chaos}, low={low}, high={high}"
            )


DEFAULT_THRESHOLDS = ZoneThresholds()


@dataclass(frozen=True)
class Position:
    """A point on the matrix (both coordinates normally in 0–1)."""

    agreement: float
    certainty: float

    def distance(self, other: Position) -> float:
        """Euclidean distance to ``other``."""
        return math.hypot(self.agreement - other.agreement, self.certainty - other.certainty)


@dataclass(frozen=True)
class Rating:
    """One participant's answer, on the round's rating scale; ``role`` e.g. "borger"."""

    agreement: float
    certainty: float
    role: str | None = None


def scale_rating(value: float, scale: RatingScale = LIKERT_5) -> float:
    """Map a rating on ``scale`` linearly to 0–1: (value − low) / (high − low).

    Raises:
        ValueError: if ``value`` is not a finite number inside the scale.
    """
    v = _check_finite(value, "rating")
    if not scale.low <= v <= scale.high:
        raise ValueError(f"rating {value!r} is outside the scale {scale.low:g}..{scale.high:g}")
    return (v - scale.low) / (scale.high - scale.low)


def classify(
    agreement: float, certainty: float, thresholds: ZoneThresholds = DEFAULT_THRESHOLDS
) -> Zone:
    """Zone of a point given on the 0–1 scale (see the module docstring for the rule)."""
    a = _check_finite(agreement, "agreement")
    c = _check_finite(certainty, "certainty")
    if not (0.0 <= a <= 1.0 and 0.0 <= c <= 1.0):
        raise ValueError(f"agreement and certainty must be in 0..1, got ({a}, {c})")
    t = thresholds
    if a >= t.high and c >= t.high:
        return Zone.TECHNICALLY_RATIONAL
    if a < t.low and c >= t.high:
        return Zone.POLITICAL
    if a >= t.high and c < t.low:
        return Zone.JUDGMENTAL
    if a < t.chaos and c < t.chaos:
        return Zone.CHAOS
    return Zone.COMPLEXITY


@dataclass(frozen=True)
class GroupSummary:
    """Where a group of ratings lies: mean, spread (population SD per axis), zone of the mean,
    and how many individual ratings fall in each zone."""

    n: int
    mean: Position
    spread: Position
    zone: Zone
    zone_counts: Mapping[Zone, int]


@dataclass(frozen=True)
class RoleGap:
    """The two roles whose mean positions lie furthest apart, and that distance."""

    role_a: str
    role_b: str
    distance: float


@dataclass(frozen=True)
class RoundSummary:
    """Summary of one round: all ratings, each role, and the largest gap between roles."""

    overall: GroupSummary
    roles: Mapping[str, GroupSummary]
    gap: RoleGap | None
    thresholds: ZoneThresholds = field(default=DEFAULT_THRESHOLDS)


def _summarise(points: list[Position], thresholds: ZoneThresholds) -> GroupSummary:
    n = len(points)
    # Rounding to 12 decimals removes float noise (three ratings of 0.7 average to
    # 0.7000000000000001), which would otherwise flip a point sitting on a zone boundary.
    mean_a = round(math.fsum(p.agreement for p in points) / n, 12)
    mean_c = round(math.fsum(p.certainty for p in points) / n, 12)
    sd_a = round(math.sqrt(math.fsum((p.agreement - mean_a) ** 2 for p in points) / n), 12)
    sd_c = round(math.sqrt(math.fsum((p.certainty - mean_c) ** 2 for p in points) / n), 12)
    counts = dict.fromkeys(Zone, 0)
    for p in points:
        counts[classify(p.agreement, p.certainty, thresholds)] += 1
    mean = Position(mean_a, mean_c)
    return GroupSummary(
        n=n,
        mean=mean,
        spread=Position(sd_a, sd_c),
        zone=classify(mean.agreement, mean.certainty, thresholds),
        zone_counts=counts,
    )


def summarise_round(
    ratings: Iterable[Rating],
    scale: RatingScale = LIKERT_5,
    thresholds: ZoneThresholds = DEFAULT_THRESHOLDS,
) -> RoundSummary:
    """Summarise one round of ratings given on ``scale``.

    Ratings without a role count in ``overall`` only. The role gap is the largest Euclidean
    distance between two roles' mean positions (``None`` with fewer than two roles); ties go to
    the alphabetically first pair.

    Raises:
        ValueError: if there are no ratings or a rating is outside the scale.
    """
    points: list[Position] = []
    by_role: dict[str, list[Position]] = {}
    for k, r in enumerate(ratings):
        try:
            p = Position(scale_rating(r.agreement, scale), scale_rating(r.certainty, scale))
        except ValueError as exc:
            raise ValueError(f"rating {k}: {exc}") from None
        points.append(p)
        if r.role is not None:
            by_role.setdefault(r.role, []).append(p)
    if not points:
        raise ValueError("a round needs at least one rating")
    roles = {role: _summarise(by_role[role], thresholds) for role in sorted(by_role)}
    gap: RoleGap | None = None
    for a, b in combinations(roles, 2):
        d = roles[a].mean.distance(roles[b].mean)
        if gap is None or d > gap.distance:
            gap = RoleGap(a, b, d)
    return RoundSummary(
        overall=_summarise(points, thresholds), roles=roles, gap=gap, thresholds=thresholds
    )


@dataclass(frozen=True)
class Shift:
    """How a mean position moved between two rounds: the shift vector (after − before)."""

    before: Position
    after: Position
    zone_before: Zone
    zone_after: Zone

    @property
    def agreement(self) -> float:
        """Change in mean agreement (positive = more agreement)."""
        return self.after.agreement - self.before.agreement

    @property
    def certainty(self) -> float:
        """Change in mean certainty (positive = more certainty)."""
        return self.after.certainty - self.before.certainty

    @property
    def distance(self) -> float:
        """Length of the shift vector."""
        return self.before.distance(self.after)

    @property
    def zone_changed(self) -> bool:
        """Whether the mean moved to another zone."""
        return self.zone_before != self.zone_after


@dataclass(frozen=True)
class RoundComparison:
    """How a later round differs from an earlier one, overall and per role."""

    overall: Shift
    roles: Mapping[str, Shift]
    roles_added: tuple[str, ...]
    roles_dropped: tuple[str, ...]
    gap_before: float | None
    gap_after: float | None

    @property
    def gap_change(self) -> float | None:
        """Change in the largest role gap (negative = roles moved closer), if both exist."""
        if self.gap_before is None or self.gap_after is None:
            return None
        return self.gap_after - self.gap_before


def _shift(before: GroupSummary, after: GroupSummary) -> Shift:
    return Shift(before.mean, after.mean, before.zone, after.zone)


def compare_rounds(before: RoundSummary, after: RoundSummary) -> RoundComparison:
    """Compare two round summaries: overall and per-role shift vectors and the gap's change.

    Roles present in only one round are listed in ``roles_added`` / ``roles_dropped``. Zones are
    as each summary classified them (with its own thresholds).
    """
    common = sorted(set(before.roles) & set(after.roles))
    return RoundComparison(
        overall=_shift(before.overall, after.overall),
        roles={r: _shift(before.roles[r], after.roles[r]) for r in common},
        roles_added=tuple(sorted(set(after.roles) - set(before.roles))),
        roles_dropped=tuple(sorted(set(before.roles) - set(after.roles))),
        gap_before=before.gap.distance if before.gap else None,
        gap_after=after.gap.distance if after.gap else None,
    )
