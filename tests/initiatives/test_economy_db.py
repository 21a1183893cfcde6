"""The economy through the real services on the real database (SQLite and PostgreSQL alike):
any sequence of commitments, corrections, actual figures and withdrawals gives totals equal to
a recomputation from the stored history, exact to the øre, with the database's own sums too."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samskab.analysis.economy import hour_value
from samskab.initiatives import services
from samskab.initiatives.models import CommitmentEntry

pytestmark = pytest.mark.django_db

D = Decimal
RULE = "Markedsværdi"
amounts = st.decimals(min_value=D("0.01"), max_value=D("1000000000.00"), places=2)
hours = st.decimals(min_value=D("0.01"), max_value=D("100000.00"), places=2)
rates = st.decimals(min_value=D("1.00"), max_value=D("10000.00"), places=2)

operation = st.one_of(
    st.tuples(
        st.just("commit"),
        st.integers(0, 2),
        st.booleans(),
        st.sampled_from(["money", "hours", "premises"]),
        amounts,
        hours,
        rates,
    ),
    st.tuples(st.just("correct"), st.integers(0, 20), amounts, hours),
    st.tuples(st.just("actual"), st.integers(0, 20), amounts, hours),
    st.tuples(st.just("withdraw"), st.integers(0, 20)),
)


class _Rollback(Exception):
    pass


def _db_sums(initiative) -> tuple[Decimal, Decimal]:
    """Committed and spent as the database sums them over each commitment's newest entry."""
    newest = (
        CommitmentEntry.objects.filter(commitment=OuterRef("commitment"))
        .values("commitment")
        .annotate(top=Max("seq"))
        .values("top")
    )
    rows = CommitmentEntry.objects.filter(
        commitment__initiative=initiative, withdrawn=False, seq=Subquery(newest)
    ).aggregate(committed=Sum("planned_value"), spent=Sum("actual_value"))
    return rows["committed"] or D("0"), rows["spent"] or D("0")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operation, min_size=1, max_size=12))
def test_any_history_adds_up(in_town, ops):
    w = in_town
    partners = [(w.municipal, w.clerk), (w.club, w.chair), (w.firm, w.owner)]
    try:
        with transaction.atomic():
            line = services.add_budget_line(
                w.initiative, w.facilitator, title="Post", amount=D("500000.00")
            )
            made: list = []  # (commitment, actor, kind, rate)
            expected: dict[int, dict] = {}
            for op in ops:
                if op[0] == "commit":
                    _, p, on_line, kind, money, hrs, rate = op
                    partner, actor = partners[p]
                    quantity = hrs if kind == "hours" else money
                    c = services.commit(
                        w.initiative,
                        actor,
                        partner=partner,
                        kind=kind,
                        quantity=quantity,
                        hour_rate=rate if kind == "hours" else None,
                        budget_line=line if on_line else None,
                        valuation_rule="" if kind == "money" else RULE,
                    )
                    made.append((c, actor, kind, rate))
                    value = hour_value(hrs, rate) if kind == "hours" else money
                    expected[c.pk] = {
                        "planned": value,
                        "actual": None,
                        "out": False,
                        "municipal": p == 0,
                        "line": on_line,
                    }
                    continue
                if not made:
                    continue
                c, actor, kind, rate = made[op[1] % len(made)]
                state = expected[c.pk]
                if state["out"]:
                    with pytest.raises(services.ServiceError):
                        services.withdraw_commitment(c, actor, reason="Igen")
                    continue
                if op[0] != "withdraw":
                    quantity = op[3] if kind == "hours" else op[2]
                    value = hour_value(quantity, rate) if kind == "hours" else quantity
                if op[0] == "correct":
                    services.correct_commitment(c, actor, quantity=quantity, reason="Rettet")
                    state["planned"] = value
                elif op[0] == "actual":
                    services.record_actual(c, actor, quantity=quantity)
                    state["actual"] = value
                else:
                    services.withdraw_commitment(c, actor, reason="Trukket")
                    state["out"] = True
            e = services.economy(w.initiative)
            live = [s for s in expected.values() if not s["out"]]
            committed = sum((s["planned"] for s in live), D("0"))
            spent = sum((s["actual"] or D("0") for s in live), D("0"))
            assert (e.committed, e.spent) == (committed, spent)
            assert e.gap == D("500000.00") - committed
            assert e.municipal == sum((s["planned"] for s in live if s["municipal"]), D("0"))
            assert e.per_line[line.pk].committed == sum(
                (s["planned"] for s in live if s["line"]), D("0")
            )
            assert _db_sums(w.initiative) == (committed, spent)
            raise _Rollback
    except _Rollback:
        pass


def test_large_sums_are_exact_in_the_database(in_town):
    """Sums near the limits, with øre that a float would lose."""
    w = in_town
    for amount in ["999999999.99", "999999999.99", "0.01", "123456789.07"]:
        services.commit(w.initiative, w.chair, partner=w.club, kind="money", quantity=D(amount))
    services.commit(
        w.initiative,
        w.owner,
        partner=w.firm,
        kind="hours",
        quantity=D("99999.99"),
        hour_rate=D("9999.99"),
        valuation_rule=RULE,
    )
    total = D("999999999.99") * 2 + D("0.01") + D("123456789.07") + D("999998900.00")
    assert hour_value(D("99999.99"), D("9999.99")) == D("999998900.00")
    assert services.economy(w.initiative).committed == total
    assert _db_sums(w.initiative)[0] == total
