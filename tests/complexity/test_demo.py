from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.complexity.demo import CHALLENGE, load_complexity_demo
from samskab.complexity.models import AssessmentRound, Rating
from samskab.demo.content import EXTENSIONS, load_demo

pytestmark = pytest.mark.django_db


def test_demo_has_two_rounds_with_movement_and_is_idempotent(kommuner, client):
    assert load_complexity_demo in EXTENSIONS
    demo = load_demo()
    with scope(municipality=demo.municipality):
        n_ratings = Rating.objects.filter(round__challenge__title=CHALLENGE).count()
    load_demo()
    with scope(municipality=demo.municipality):
        rounds = list(AssessmentRound.objects.filter(challenge__title=CHALLENGE).order_by("number"))
        assert [r.number for r in rounds] == [1, 2]
        assert not rounds[0].is_open and rounds[1].is_open
        # Other demo parts (the council report's) rate other challenges; this one has 30.
        assert Rating.objects.filter(round__challenge__title=CHALLENGE).count() == n_ratings == 30
    html = client.get(rounds[1].get_absolute_url()).content.decode()
    assert "Sådan har svarene flyttet sig siden runden før" in html
    assert '<th scope="row">Borger</th>' in html and '<th scope="row">Medarbejder</th>' in html
    assert '<th scope="row">Andre</th>' in html and "Leder</th>" not in html
