"""A round's result shows no role with fewer answers than the minimum group size: not on the
page, in the CSV or in the API (a role one person holds is that person)."""

from __future__ import annotations

import itertools
import json

import pytest
from django_scopes import scope

from samskab.accounts.models import Role
from samskab.complexity import services
from samskab.core.groups import min_group_size
from tests.complexity.conftest import make_rater

pytestmark = pytest.mark.django_db

NOTE = "vises ikke for sig, så ingen enkeltpersons svar kan aflæses"
_people = itertools.count()


def _rate(town, round_, role: str, n: int, agreement: int, certainty: int) -> None:
    for _i in range(n):
        person = make_rater(town, f"{role}-{next(_people)}@kbh.test", role)
        with scope(municipality=town.municipality):
            services.rate(round_, person, agreement=agreement, certainty=certainty, role=role)


def _channels(town, round_, client) -> tuple[str, str, str]:
    html = client.get(round_.get_absolute_url()).content.decode()
    html = html[html.index("<main") : html.index("</main>")]
    csv = client.get(round_.get_absolute_url() + "csv/").content.decode()
    api = client.get(
        f"/api/municipalities/{town.municipality.code}/challenges/{round_.challenge_id}/assessment"
    ).json()
    return html, csv, json.dumps([r["roles"] for r in api], ensure_ascii=False)


@pytest.mark.parametrize("mayors", [1, "min-1"])
def test_a_role_too_small_is_on_no_page_csv_or_api(town_a, open_round, client, mayors):
    n = min_group_size()
    _rate(town_a, open_round, Role.CITIZEN, n, 1, 5)
    _rate(town_a, open_round, Role.EMPLOYEE, n + 1, 5, 1)
    _rate(town_a, open_round, Role.MAYOR, n - 1 if mayors == "min-1" else 1, 5, 5)
    html, csv, api = _channels(town_a, open_round, client)
    for text in (html, csv, api):
        assert "Borgmester" not in text
        assert "Medarbejder" in text and "Andre" in text
    assert NOTE in html


def test_a_role_with_the_minimum_is_shown_everywhere(town_a, open_round, client):
    n = min_group_size()
    _rate(town_a, open_round, Role.CITIZEN, n, 1, 5)
    _rate(town_a, open_round, Role.MAYOR, n, 5, 5)
    html, csv, api = _channels(town_a, open_round, client)
    for text in (html, csv, api):
        assert "Borgmester" in text and "Borger" in text
    assert NOTE not in html


def test_alone_too_few_even_together_only_the_total_is_shown(town_a, open_round, client):
    _rate(town_a, open_round, Role.CITIZEN, min_group_size() - 1, 1, 5)
    _rate(town_a, open_round, Role.MAYOR, 1, 5, 5)
    html, csv, api = _channels(town_a, open_round, client)
    assert api == "[[]]"
    assert csv.strip().splitlines()[1:] == [csv.strip().splitlines()[1]]
    assert csv.strip().splitlines()[1].startswith(f"Alle;{min_group_size()};")
    assert NOTE in html and "Borgmester" not in html and "Borger</th>" not in html
