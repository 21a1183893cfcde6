"""Workshop codes cannot be guessed by looking: a wrong code counts on every method, per phone
and per address, and pages that need no attempt answer the same for a real and a made-up code."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from samskab.workshops import services
from samskab.workshops.models import WorkshopParticipant

pytestmark = pytest.mark.django_db

LIMITED = "mange forkerte koder"


def _look(client: Client, code: str) -> str:
    return client.get(reverse("workshops:join") + f"?kode={code}", follow=True).content.decode()


def test_guessing_codes_with_get_is_throttled_per_phone(client, workshop):
    for _n in range(services.JOIN_LIMITS["s"][0]):
        _look(client, "QQQQQQ")
    page = _look(client, workshop.code)
    assert LIMITED in page and workshop.title not in page


def test_guessing_with_get_from_fresh_browsers_is_throttled_per_address(workshop):
    for _n in range(services.JOIN_LIMITS["ip"][0]):
        _look(Client(), "QQQQQQ")
    page = _look(Client(), workshop.code)
    assert LIMITED in page and workshop.title not in page


def test_the_play_and_waiting_pages_do_not_tell_a_real_code_from_a_made_up_one(client, workshop):
    real = client.get(reverse("workshops:play", args=[workshop.code]))
    made_up = client.get(reverse("workshops:play", args=["QQQQQQ"]))
    assert real.status_code == made_up.status_code == 302
    assert real["Location"].replace(workshop.code, "X") == made_up["Location"].replace(
        "QQQQQQ", "X"
    )
    for shown in ("-0", "0-0", ""):
        real = client.get(reverse("workshops:waiting", args=[workshop.code]), {"activity": shown})
        made_up = client.get(reverse("workshops:waiting", args=["QQQQQQ"]), {"activity": shown})
        assert real.status_code == made_up.status_code
        assert real.headers.get("HX-Refresh") == made_up.headers.get("HX-Refresh")


def test_a_room_on_one_address_typing_the_right_code_is_never_locked_out(workshop):
    for n in range(services.JOIN_LIMITS["ip"][0] + 100):
        phone = Client()
        _look(phone, workshop.code)  # the QR code
        response = phone.post(
            reverse("workshops:join"), {"code": workshop.code, "pseudonym": f"P{n}"}
        )
        assert response.status_code == 302
    with scopes_disabled():
        assert WorkshopParticipant.objects.count() == services.JOIN_LIMITS["ip"][0] + 100


def test_a_person_who_types_the_right_code_after_a_few_typos_gets_in(client, workshop):
    for _n in range(3):
        client.post(reverse("workshops:join"), {"code": "QQQQQQ", "pseudonym": "Bo"})
    response = client.post(reverse("workshops:join"), {"code": workshop.code, "pseudonym": "Bo"})
    assert response.status_code == 302
