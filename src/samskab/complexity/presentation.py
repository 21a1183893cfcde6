"""What the result page shows: the numbers from `analysis.stacey`, worded and drawn.

The matrix is drawn as SVG with agreement to the right and certainty upwards (1 = high), each
zone labelled with its number so colour is never the only cue, and a table beside it with the
same numbers (the text alternative). Zone wording is a question to talk about, not a verdict:
Stacey dropped the diagram because it was read as a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from django.utils.translation import gettext as _

from samskab.accounts.roles import role_label
from samskab.analysis.stacey import (
    LIKERT_5,
    GroupSummary,
    Rating,
    RoundComparison,
    RoundSummary,
    Zone,
    ZoneThresholds,
    compare_rounds,
    summarise_round,
)
from samskab.core.groups import OTHER_GROUP, hidden_note, large_enough, merge_small

# Roles with too few answers to show on their own (`samskab.core.groups`), and answers without
# a role, are shown together under this name, or only in the total when even together they are
# too few.

SIZE = 400
PAD_LEFT = 60
PAD_TOP = 20
PLOT = 320

ZONE_FILL = {
    Zone.TECHNICALLY_RATIONAL: "#dbeafe",
    Zone.POLITICAL: "#fde7d9",
    Zone.JUDGMENTAL: "#e4f3df",
    Zone.COMPLEXITY: "#f6f0d5",
    Zone.CHAOS: "#f3dce6",
}
# Shapes for the roles, so they differ by form and label, not by colour alone.
SHAPES = ["square", "triangle", "diamond", "cross"]


def zone_name(zone: Zone) -> str:
    return {
        Zone.TECHNICALLY_RATIONAL: _("Plan og styring"),
        Zone.POLITICAL: _("Forhandling"),
        Zone.JUDGMENTAL: _("Fælles vision"),
        Zone.COMPLEXITY: _("Samskabelse og små eksperimenter"),
        Zone.CHAOS: _("Skab ro først"),
    }[zone]


def zone_prompt(zone: Zone) -> str:
    return {
        Zone.TECHNICALLY_RATIONAL: _(
            "I ser ud til at være enige og ret sikre på, hvad der virker. Er I det? Så kan en "
            "plan ud fra data passe, hvor I følger op på, om den holder."
        ),
        Zone.POLITICAL: _(
            "I ved nogenlunde, hvad der virker, men er uenige. Hvem skal med i en aftale, og "
            "hvad kan I mødes om? Her hjælper forhandling og kompromis."
        ),
        Zone.JUDGMENTAL: _(
            "I er enige om retningen, men ingen ved helt, hvad der vil virke. Hvad er jeres "
            "fælles mål og vision, når en detaljeret plan ikke kan lægges?"
        ),
        Zone.COMPLEXITY: _(
            "Her er det komplekst: I er ikke helt enige, og ingen kan forudsige resultatet. "
            "Hvilke små eksperimenter kan I prøve sammen, som det er i orden at fejle med – og "
            "hvad vil I holde øje med?"
        ),
        Zone.CHAOS: _(
            "Det ser kaotisk ud: I er langt fra enige og langt fra sikre. Hvad kan I gøre først "
            "for at skabe ro og fast grund, før I lægger en retning?"
        ),
    }[zone]


def thresholds_of(zs: Any) -> ZoneThresholds:
    if zs is None:
        return ZoneThresholds()
    return ZoneThresholds(high=zs.high, low=zs.low, chaos=zs.chaos)


@dataclass(frozen=True)
class ShownSummary(RoundSummary):
    """A round's summary with roles grouped so that each is large enough to show."""

    hidden_roles: int = 0


def summarise(ratings: list[Any], thresholds: ZoneThresholds) -> RoundSummary | None:
    """The round's summary, or None before anyone has rated. Roles with too few answers are
    merged into "andre" or count in the total only, before anything is computed from them."""
    if not ratings:
        return None
    sizes: dict[str, int] = {}
    for r in ratings:
        sizes[r.role or ""] = sizes.get(r.role or "", 0) + 1
    groups, hidden = merge_small(sizes)
    summary = summarise_round(
        [Rating(r.agreement, r.certainty, groups.get(r.role or "")) for r in ratings],
        LIKERT_5,
        thresholds,
    )
    values = {f.name: getattr(summary, f.name) for f in fields(RoundSummary)}
    return ShownSummary(**values, hidden_roles=hidden)


def _x(agreement: float) -> float:
    return round(PAD_LEFT + agreement * PLOT, 1)


def _y(certainty: float) -> float:
    return round(PAD_TOP + (1 - certainty) * PLOT, 1)


def _pct(value: float) -> int:
    return round(value * 100)


def _signed(before: float, after: float) -> str:
    """A change in whole percentage points with its sign: "+19", "−5" or "0"."""
    delta = _pct(after) - _pct(before)
    if delta > 0:
        return f"+{delta}"
    if delta < 0:
        return f"\u2212{-delta}"
    return "0"


@dataclass
class Point:
    label: str
    shape: str
    x: float
    y: float
    agreement: int
    certainty: int
    spread_agreement: int
    spread_certainty: int
    n: int
    zone: int
    zone_name: str
    path: str = ""
    label_x: float = 0.0
    label_y: float = 0.0


def _point(label: str, shape: str, g: GroupSummary) -> Point:
    return Point(
        label=label,
        shape=shape,
        x=_x(g.mean.agreement),
        y=_y(g.mean.certainty),
        agreement=_pct(g.mean.agreement),
        certainty=_pct(g.mean.certainty),
        spread_agreement=_pct(g.spread.agreement),
        spread_certainty=_pct(g.spread.certainty),
        n=g.n,
        zone=int(g.zone),
        zone_name=zone_name(g.zone),
        label_x=round(_x(g.mean.agreement) + 11, 1),
        label_y=round(_y(g.mean.certainty) - 9, 1),
    )


def _shape_path(shape: str, x: float, y: float, r: float = 7) -> str:
    if shape == "square":
        return f"M{x - r} {y - r}h{2 * r}v{2 * r}h{-2 * r}Z"
    if shape == "triangle":
        return f"M{x} {y - r - 1}L{x + r + 1} {y + r}L{x - r - 1} {y + r}Z"
    if shape == "diamond":
        return f"M{x} {y - r - 2}L{x + r + 2} {y}L{x} {y + r + 2}L{x - r - 2} {y}Z"
    w = r / 2.5
    return (
        f"M{x - w} {y - r}h{2 * w}v{r - w}h{r - w}v{2 * w}h{-(r - w)}v{r - w}h{-2 * w}"
        f"v{-(r - w)}h{-(r - w)}v{-2 * w}h{r - w}Z"
    )


def _zone_rects(t: ZoneThresholds) -> list[dict[str, Any]]:
    """The four corner zones as rectangles; the rest of the square is zone 4."""

    def rect(zone: Zone, a0: float, a1: float, c0: float, c1: float) -> dict[str, Any]:
        return {
            "zone": int(zone),
            "fill": ZONE_FILL[zone],
            "x": _x(a0),
            "y": _y(c1),
            "w": round((a1 - a0) * PLOT, 1),
            "h": round((c1 - c0) * PLOT, 1),
            "label_x": round(_x(a0) + (a1 - a0) * PLOT / 2, 1),
            "label_y": round(_y(c1) + (c1 - c0) * PLOT / 2 + 5, 1),
        }

    return [
        rect(Zone.TECHNICALLY_RATIONAL, t.high, 1, t.high, 1),
        rect(Zone.POLITICAL, 0, t.low, t.high, 1),
        rect(Zone.JUDGMENTAL, t.high, 1, 0, t.low),
        rect(Zone.CHAOS, 0, t.chaos, 0, t.chaos),
    ]


def build(
    summary: RoundSummary, previous: RoundSummary | None = None, reasons: list[str] | None = None
) -> dict[str, Any]:
    """Everything the result template needs, with every number as a whole percentage."""
    t = summary.thresholds
    overall = _point(_("Alle"), "circle", summary.overall)
    overall.label_y = round(overall.y + 20, 1)
    roles = []
    hidden_roles = getattr(summary, "hidden_roles", 0)
    # "andre" last; and a summary that did not come from `summarise` is still held to the size.
    for role, g in sorted(summary.roles.items(), key=lambda item: item[0] == OTHER_GROUP):
        if not large_enough(g.n):
            hidden_roles += 1
            continue
        point = _point(role_label(role), SHAPES[len(roles) % len(SHAPES)], g)
        point.path = _shape_path(point.shape, point.x, point.y)
        roles.append(point)
    g = summary.overall
    spread = {
        "x": _x(max(0.0, g.mean.agreement - g.spread.agreement)),
        "y": _y(min(1.0, g.mean.certainty + g.spread.certainty)),
    }
    spread["w"] = round(_x(min(1.0, g.mean.agreement + g.spread.agreement)) - spread["x"], 1)
    spread["h"] = round(_y(max(0.0, g.mean.certainty - g.spread.certainty)) - spread["y"], 1)
    movement = None
    if previous is not None:
        comparison: RoundComparison = compare_rounds(previous, summary)
        before = comparison.overall.before
        movement = {
            "x": _x(before.agreement),
            "y": _y(before.certainty),
            "agreement": _pct(before.agreement),
            "certainty": _pct(before.certainty),
            "delta_agreement": _signed(before.agreement, comparison.overall.after.agreement),
            "delta_certainty": _signed(before.certainty, comparison.overall.after.certainty),
            "zone_before": int(comparison.overall.zone_before),
            "zone_before_name": zone_name(comparison.overall.zone_before),
            "zone_changed": comparison.overall.zone_changed,
            "roles": [
                {
                    "label": role_label(role),
                    "delta_agreement": _signed(s.before.agreement, s.after.agreement),
                    "delta_certainty": _signed(s.before.certainty, s.after.certainty),
                }
                for role, s in comparison.roles.items()
                if large_enough(summary.roles[role].n) and large_enough(previous.roles[role].n)
            ],
        }
    gap = None
    if summary.gap is not None and len(roles) >= 2:
        shown = {p.label for p in roles}
        a, b = role_label(summary.gap.role_a), role_label(summary.gap.role_b)
        if a in shown and b in shown:
            gap = {"a": a, "b": b, "distance": _pct(summary.gap.distance)}
    return {
        "size": SIZE,
        "plot": PLOT,
        "left": PAD_LEFT,
        "top": PAD_TOP,
        "right": PAD_LEFT + PLOT,
        "bottom": PAD_TOP + PLOT,
        "mid_x": PAD_LEFT + PLOT / 2,
        "mid_y": PAD_TOP + PLOT / 2,
        "zone4_fill": ZONE_FILL[Zone.COMPLEXITY],
        "zones": _zone_rects(t),
        "zone_list": [
            {"number": int(z), "name": zone_name(z), "prompt": zone_prompt(z)} for z in Zone
        ],
        "overall": overall,
        "zone_prompt": zone_prompt(summary.overall.zone),
        "spread": spread,
        "roles": roles,
        "hidden_roles": hidden_roles,
        "hidden_note": hidden_note(range(hidden_roles)),
        "gap": gap,
        "movement": movement,
        "reasons": sorted(reasons or [], key=str.casefold),
        "thresholds": {"high": _pct(t.high), "low": _pct(t.low), "chaos": _pct(t.chaos)},
    }
