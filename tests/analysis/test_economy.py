"""The economy math: worked examples, and a property test against a model kept step by step."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from samskab.analysis.economy import Entry, Line, Totals, hour_value, percent, summarise

D = Decimal


def entry(c: int, seq: int, planned: str, **kw: object) -> Entry:
    fields: dict[str, object] = {
        "partner": 1,
        "line": None,
        "kind": "money",
        "municipal": False,
        "actual": None,
        "withdrawn": False,
        **kw,
    }
    return Entry(commitment=c, seq=seq, planned=D(planned), **fields)  # type: ignore[arg-type]


def test_hour_value_rounds_half_up_to_the_ore():
    assert hour_value(D("7.5"), D("185.33")) == D("1389.98")  # 1389.975
    assert hour_value(D("1"), D("0.005")) == D("0.01")
    assert hour_value(D("320"), D("185.00")) == D("59200.00")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        hour_value(7.5, D("100"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Line(1, 100.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Entry(1, 1, 1, None, "money", False, 0.1)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Line(1, D("NaN"))


def test_worked_example():
    """A budget of 84,000 kr.; the municipality commits 45,000, later corrected to 40,000, of
    which 15,250.50 is spent; an association commits 320 volunteer hours at 185 kr.; a business
    offers premises (12,000 at market rent) and 10,000 kr. it later withdraws."""
    lines = [Line(10, D("60000.00")), Line(11, D("24000.00"))]
    history = [
        entry(1, 1, "45000.00", partner=1, line=10, municipal=True),
        entry(2, 1, "59200.00", partner=2, kind="hours", valuation_rule="Erstatningsværdi"),
        entry(3, 1, "12000.00", partner=3, line=11, kind="premises", valuation_rule="Markedsleje"),
        entry(4, 1, "10000.00", partner=3, line=10),
        entry(1, 2, "40000.00", partner=1, line=10, municipal=True),
        entry(1, 3, "40000.00", partner=1, line=10, municipal=True, actual=D("15250.50")),
        entry(4, 2, "10000.00", partner=3, line=10, withdrawn=True),
    ]
    e = summarise(lines, reversed(history))  # order of the rows does not matter: seq does
    assert e.budget == D("84000.00")
    assert e.committed == D("111200.00")
    assert e.spent == D("15250.50")
    assert e.gap == D("-27200.00")
    assert (e.municipal, e.external) == (D("40000.00"), D("71200.00"))
    assert e.municipal_percent == D("36.0") and e.external_percent == D("64.0")
    assert e.per_partner == {
        1: Totals(D("40000.00"), D("15250.50")),
        2: Totals(D("59200.00"), D("0.00")),
        3: Totals(D("12000.00"), D("0.00")),
    }
    assert e.per_line == {10: Totals(D("40000.00"), D("15250.50")), 11: Totals(D("12000.00"))}
    assert e.unassigned == Totals(D("59200.00"))
    assert e.valuation_rules == {"hours": ("Erstatningsværdi",), "premises": ("Markedsleje",)}
    assert e.current[4].withdrawn


def test_empty():
    e = summarise([], [])
    assert e.committed == e.budget == e.gap == D("0.00")
    assert e.municipal_percent is None
    assert percent(D("1"), D("3")) == D("33.3")


# --- property: any history adds up to what a step-by-step model says ---------------------------

amounts = st.decimals(min_value=D("0.01"), max_value=D("1000000000.00"), places=2)
hours = st.decimals(min_value=D("0.01"), max_value=D("1000000.00"), places=2)
rates = st.decimals(min_value=D("1.00"), max_value=D("10000.00"), places=2)
PARTNERS = {1: True, 2: False, 3: False}  # partner → municipal
LINES = [None, 10, 11]

operation = st.one_of(
    st.tuples(
        st.just("commit"),
        st.sampled_from(sorted(PARTNERS)),
        st.sampled_from(LINES),
        st.sampled_from(["money", "hours", "premises", "in_kind"]),
        amounts,
        hours,
        rates,
    ),
    st.tuples(st.just("correct"), st.integers(0, 30), amounts, hours),
    st.tuples(st.just("actual"), st.integers(0, 30), amounts, hours),
    st.tuples(st.just("withdraw"), st.integers(0, 30)),
)


@dataclass
class Model:
    """What a bookkeeper would write down after each step."""

    state: dict[int, dict[str, object]] = field(default_factory=dict)
    history: list[Entry] = field(default_factory=list)

    def value(self, kind: str, money: Decimal, hrs: Decimal, rate: Decimal) -> Decimal:
        return hour_value(hrs, rate) if kind == "hours" else money

    def apply(self, op: tuple) -> None:  # type: ignore[type-arg]
        if op[0] == "commit":
            _, partner, line, kind, money, hrs, rate = op
            key = len(self.state) + 1
            self.state[key] = {"kind": kind, "rate": rate, "seq": 1}
            self.history.append(
                Entry(
                    key,
                    1,
                    partner,
                    line,
                    kind,
                    PARTNERS[partner],
                    self.value(kind, money, hrs, rate),
                    valuation_rule="" if kind == "money" else f"regel {kind}",
                )
            )
            return
        if not self.state:
            return
        key = sorted(self.state)[op[1] % len(self.state)]
        s = self.state[key]
        last = max((e for e in self.history if e.commitment == key), key=lambda e: e.seq)
        if last.withdrawn:
            return  # the services refuse changing a withdrawn commitment
        kind, rate = s["kind"], s["rate"]
        if op[0] == "correct":
            new = replace(last, seq=last.seq + 1, planned=self.value(kind, op[2], op[3], rate))  # type: ignore[arg-type]
        elif op[0] == "actual":
            new = replace(last, seq=last.seq + 1, actual=self.value(kind, op[2], op[3], rate))  # type: ignore[arg-type]
        else:
            new = replace(last, seq=last.seq + 1, withdrawn=True)
        self.history.append(new)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(operation, max_size=40),
    st.lists(amounts, min_size=2, max_size=2),
    st.randoms(use_true_random=False),
)
def test_totals_equal_a_recomputation_from_the_history(ops, budget, rng):
    model = Model()
    for op in ops:
        model.apply(op)
    lines = [Line(10, budget[0]), Line(11, budget[1])]
    shuffled = list(model.history)
    rng.shuffle(shuffled)
    e = summarise(lines, shuffled)
    # Recompute by hand: the newest entry of each commitment, not withdrawn.
    newest: dict[int, Entry] = {}
    for x in model.history:  # appended in order, so the last one seen is the newest
        newest[x.commitment] = x
    live = [x for x in newest.values() if not x.withdrawn]
    committed = sum((x.planned for x in live), D("0"))
    spent = sum((x.actual or D("0") for x in live), D("0"))
    assert e.committed == committed
    assert e.spent == spent
    assert e.budget == budget[0] + budget[1]
    assert e.gap == e.budget - committed
    assert e.municipal == sum((x.planned for x in live if x.municipal), D("0"))
    assert e.municipal + e.external == e.committed
    assert sum((t.committed for t in e.per_partner.values()), D("0")) == committed
    assert (
        sum((t.committed for t in e.per_line.values()), D("0")) + e.unassigned.committed
        == committed
    )
    assert sum((t.spent for t in e.per_kind.values()), D("0")) == spent
    for total in (e.committed, e.spent, e.gap):
        assert isinstance(total, Decimal) and total == total.quantize(D("0.01"))
    kinds_live = {x.kind for x in live if x.kind != "money"}
    assert set(e.valuation_rules) == kinds_live
