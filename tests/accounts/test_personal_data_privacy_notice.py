"""The privacy notice: a page that says what Samskab stores, why, for how long, the person's
rights and who is responsible, linked from sign-up (with a short notice) and every page's footer."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from tests.conftest import Town, give_role, make_person

pytestmark = pytest.mark.django_db

PRIVACY = "/konto/privatliv/"


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_privacy_page_answers_what_why_how_long_rights_and_who(db, language):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(PRIVACY)
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override(language):
        headings = [
            _("Hvem er ansvarlig for dine data?"),
            _("Hvad gemmer vi?"),
            _("Hvorfor gemmer vi det?"),
            _("Hvor længe gemmer vi det?"),
            _("Dine rettigheder"),
            _("Kontakt"),
        ]
    for heading in headings:
        assert heading in page
    assert f'<html lang="{language}">' in page


def test_the_page_names_my_municipality_as_data_controller(town_a: Town):
    karen = make_person("karen@borger.test", "Karen Jensen")
    with scopes_disabled():
        give_role(karen, town_a.municipality, "borger")
    client = Client()
    client.force_login(karen)
    page = client.get(PRIVACY).content.decode()
    assert "København Kommune er dataansvarlig" in page
    assert 'href="/konto/mine-data/"' in page  # the right to one's data, one click away
    anonymous = Client().get(PRIVACY).content.decode()
    assert "Den kommune, hvor du deltager, er dataansvarlig" in anonymous


def test_sign_up_shows_a_short_notice_and_links_to_the_page(db):
    page = Client().get("/konto/signup/").content.decode()
    assert "Dine data" in page
    assert "Kommunen, hvor du deltager, er ansvarlig for dine data" in page
    assert f'href="{PRIVACY}"' in page
    form = page[page.index('action="/konto/signup/"') :]
    assert form.index("Dine data") < form.index('type="submit"')  # read before signing up


def test_every_page_links_to_it_from_the_footer(db):
    for path in ["/", "/om/", "/konto/login/"]:
        page = Client().get(path).content.decode()
        footer = page[page.index("samskab-footer") :]
        assert f'href="{PRIVACY}"' in footer, path
