"""A parent's progress from its children's (Decidim's accountability rule)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samskab.analysis.progress import weighted_progress

D = Decimal


def test_weighted_mean():
    assert weighted_progress([(100, D("1")), (25, D("3"))]) == 44  # 175 / 4 = 43.75
    # Decidim's own weights sum to 1: the weighted mean is then its weighted sum.
    assert weighted_progress([(80, D("0.25")), (40, D("0.75"))]) == 50


def test_all_weights_zero_is_the_plain_mean_and_no_children_is_none():
    assert weighted_progress([(10, D("0")), (21, D("0"))]) == 16  # 15.5 rounds half up
    assert weighted_progress([]) is None
    assert weighted_progress([(70, D("0"))]) == 70


def test_bad_input():
    with pytest.raises(TypeError):
        weighted_progress([(50, 1.0)])  # type: ignore[list-item]
    with pytest.raises(ValueError):
        weighted_progress([(101, D("1"))])
    with pytest.raises(ValueError):
        weighted_progress([(50, D("-1"))])


@given(
    st.lists(
        st.tuples(
            st.integers(0, 100),
            st.decimals(min_value=D("0"), max_value=D("9999.99"), places=2),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_lies_between_the_smallest_and_largest_child(children):
    got = weighted_progress(children)
    assert got is not None
    assert min(p for p, _ in children) <= got <= max(p for p, _ in children)
