from __future__ import annotations

import pytest
from django.urls import reverse
from django_scopes import scope

from samskab.demo.content import EXTENSIONS, load_demo
from samskab.workshops.demo import DEMO_CODE, load_workshop_demo
from samskab.workshops.models import LiveSession

pytestmark = pytest.mark.django_db


def test_demo_workshop_is_open_with_all_activities_and_idempotent(kommuner, client):
    assert load_workshop_demo in EXTENSIONS
    demo = load_demo()
    load_demo()
    with scope(municipality=demo.municipality):
        session = LiveSession.objects.get(code=DEMO_CODE)
        assert session.is_live
        kinds = list(session.activities.order_by("position").values_list("kind", flat=True))
    assert kinds == ["stacey", "statements", "pairwise", "reflection"]
    response = client.post(reverse("workshops:join"), {"code": DEMO_CODE, "pseudonym": "Gæst"})
    assert response.status_code == 302
    assert 'name="agreement"' in client.get(response["Location"]).content.decode()
