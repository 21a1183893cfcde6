"""The 1–5 scale says what the ends mean in whole Danish sentences, not "1 er meget uenige"."""

from __future__ import annotations

import pytest

from samskab.complexity.forms import RatingForm

pytestmark = pytest.mark.django_db


def test_the_scale_hint_says_what_1_and_5_mean():
    form = RatingForm()
    assert str(form.fields["agreement"].help_text) == (
        "1 betyder, at I er meget uenige, og 5, at I er helt enige."
    )
    assert "1 er" not in str(form.fields["certainty"].help_text)
