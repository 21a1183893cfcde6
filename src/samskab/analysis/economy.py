"""An initiative's economy from its commitments' append-only history: pure Python, Decimal only.

Every commitment (kroner, hours, premises, in kind) has a history of entries; each entry is a
full snapshot of the commitment's figures, and the newest one (highest `seq`) is its state. So a
correction, the actual figure or a withdrawal never edits anything, and the totals can always be
recomputed from the history.

Valuation follows Danish co-financing practice as the issue describing this capability states it
(a *samarbejdsaftale* with volunteer hours "valued at a stated rate (e.g. the replacement cost of
similar work) and in-kind at market value, never counted twice as co-financing"), which is also
the EU rule Danish pools apply to contributions in kind (Regulation (EU) 2021/1060, art. 67(1):
in kind at no more than the market price; unpaid voluntary work at the verified time spent times
the rate paid for equivalent work). So volunteer hours are hours × a stated hourly rate, premises
and goods in kind are entered at their market value in kroner, and the rule used is carried with
each non-cash commitment. A contribution counts once: it belongs to one partner and at most one
budget line, so it can never be counted twice as co-financing.

Money is kroner with two decimals (øre); nothing here ever takes or returns a float.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ORE = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_KIND = "money"


def _decimal(name: str, value: object) -> Decimal:
    # bool and float are refused: a float has already lost the øre.
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise ValueError(f"{name} must be a finite amount")
    return value


def to_ore(value: Decimal) -> Decimal:
    """Round kroner to øre, half up (as Danish amounts are rounded)."""
    return _decimal("value", value).quantize(ORE, rounding=ROUND_HALF_UP)


def hour_value(hours: Decimal, rate: Decimal) -> Decimal:
    """The value in kroner of `hours` at `rate` kroner an hour, to the øre."""
    return to_ore(_decimal("hours", hours) * _decimal("rate", rate))


@dataclass(frozen=True)
class Entry:
    """One snapshot of a commitment: `planned` and `actual` are its values in kroner."""

    commitment: int
    seq: int
    partner: int
    line: int | None
    kind: str
    municipal: bool
    planned: Decimal
    actual: Decimal | None = None
    withdrawn: bool = False
    valuation_rule: str = ""

    def __post_init__(self) -> None:
        _decimal("planned", self.planned)
        if self.actual is not None:
            _decimal("actual", self.actual)


@dataclass(frozen=True)
class Line:
    key: int
    amount: Decimal

    def __post_init__(self) -> None:
        _decimal("amount", self.amount)


@dataclass(frozen=True)
class Totals:
    committed: Decimal = ZERO
    spent: Decimal = ZERO

    def __add__(self, other: Totals) -> Totals:
        return Totals(self.committed + other.committed, self.spent + other.spent)


@dataclass(frozen=True)
class Economy:
    budget: Decimal = ZERO
    committed: Decimal = ZERO
    spent: Decimal = ZERO
    # Budget minus committed: positive is money still to be found, negative is over-committed.
    gap: Decimal = ZERO
    municipal: Decimal = ZERO
    external: Decimal = ZERO
    per_partner: dict[int, Totals] = field(default_factory=dict)
    # Every budget line, also those nothing is committed to yet.
    per_line: dict[int, Totals] = field(default_factory=dict)
    per_kind: dict[str, Totals] = field(default_factory=dict)
    unassigned: Totals = field(default_factory=Totals)
    # For each non-cash kind, the valuation rules its (not withdrawn) commitments state.
    valuation_rules: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Each commitment's current state (its newest entry).
    current: dict[int, Entry] = field(default_factory=dict)

    @property
    def municipal_percent(self) -> Decimal | None:
        """The municipality's share of what is committed, in per cent with one decimal."""
        return percent(self.municipal, self.committed)

    @property
    def external_percent(self) -> Decimal | None:
        return percent(self.external, self.committed)


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    if whole == 0:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def current_entries(entries: Iterable[Entry]) -> dict[int, Entry]:
    """The newest entry of each commitment."""
    newest: dict[int, Entry] = {}
    for entry in entries:
        seen = newest.get(entry.commitment)
        if seen is None or entry.seq > seen.seq:
            newest[entry.commitment] = entry
    return newest


def summarise(lines: Iterable[Line], entries: Iterable[Entry]) -> Economy:
    """Budget, committed, spent and their splits, from the budget lines and the history."""
    lines = list(lines)
    current = current_entries(entries)
    per_partner: dict[int, Totals] = {}
    per_line: dict[int, Totals] = {line.key: Totals() for line in lines}
    per_kind: dict[str, Totals] = {}
    rules: dict[str, set[str]] = {}
    unassigned = Totals()
    municipal = external = ZERO
    for key in sorted(current):
        entry = current[key]
        if entry.withdrawn:
            continue  # a withdrawn commitment counts for nothing, planned or spent
        totals = Totals(entry.planned, entry.actual if entry.actual is not None else ZERO)
        per_partner[entry.partner] = per_partner.get(entry.partner, Totals()) + totals
        per_kind[entry.kind] = per_kind.get(entry.kind, Totals()) + totals
        if entry.line is None:
            unassigned += totals
        else:
            per_line[entry.line] = per_line.get(entry.line, Totals()) + totals
        if entry.municipal:
            municipal += entry.planned
        else:
            external += entry.planned
        if entry.kind != MONEY_KIND:
            rules.setdefault(entry.kind, set())
            if entry.valuation_rule:
                rules[entry.kind].add(entry.valuation_rule)
    budget = sum((line.amount for line in lines), ZERO)
    committed = municipal + external
    spent = sum((t.spent for t in per_partner.values()), ZERO)
    return Economy(
        budget=budget,
        committed=committed,
        spent=spent,
        gap=budget - committed,
        municipal=municipal,
        external=external,
        per_partner=per_partner,
        per_line=per_line,
        per_kind=per_kind,
        unassigned=unassigned,
        valuation_rules={kind: tuple(sorted(found)) for kind, found in rules.items()},
        current=current,
    )
