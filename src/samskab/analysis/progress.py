"""A parent initiative's progress from its children's, as Decidim's accountability module does.

Source: Decidim's accountability component (decidim-accountability, `Result#update_progress!`
and the weighted variant `ResultWithWeightedProgress` in decidim-barcelona): a parent result's
progress is computed from its children, either weighted (each child's progress times its
weight) or, when no weights are used, as the plain mean. Decidim expects the weights to sum to 1;
here any non-negative weights are allowed and the weighted *mean* (divided by the weights' sum)
is taken, which is the same thing when they do sum to 1. All weights 0 means "not weighted":
the plain mean. No children: no computed progress (None).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def weighted_progress(children: list[tuple[int, Decimal]]) -> int | None:
    """The weighted mean of (progress 0–100, weight ≥ 0) pairs, rounded half up to a whole
    per cent; the plain mean when every weight is 0; None without children."""
    if not children:
        return None
    for progress, weight in children:
        if isinstance(progress, bool) or not isinstance(progress, int):
            raise TypeError("progress must be an int")
        if not isinstance(weight, Decimal):
            raise TypeError("weight must be a Decimal")
        if weight < 0 or not 0 <= progress <= 100:
            raise ValueError("progress is 0–100 and weight is not negative")
    total_weight = sum((w for _p, w in children), Decimal(0))
    if total_weight == 0:
        mean = Decimal(sum(p for p, _w in children)) / len(children)
    else:
        mean = sum((p * w for p, w in children), Decimal(0)) / total_weight
    return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))
