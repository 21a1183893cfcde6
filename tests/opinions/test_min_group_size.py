"""The opinion map never shows figures for a role or group smaller than the minimum group size:
not on the page, not in the API, not in an export (a role one person holds is that person)."""

from __future__ import annotations

import itertools

import pytest
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.analysis import opinion
from samskab.core.groups import min_group_size
from samskab.opinions import polis, services
from samskab.opinions.models import ConversationAnalysis, Statement
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db

NOTE = "vises ikke for sig, så ingen enkeltpersons svar kan aflæses"


_people = itertools.count()


def _voters(conversation, role: str, n: int, *, value: int) -> None:
    """n people holding `role` vote `value` on every statement except the last, which they pass."""
    statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
    for _i in range(n):
        with scopes_disabled():
            person = make_person(f"{role}-{next(_people)}@t.dk")
            give_role(person, conversation.municipality, role)
        for s in statements:
            services.cast_vote(conversation, s, person, value=value if s != statements[-1] else 0)


def _map(conversation, client) -> str:
    html = client.get(conversation.get_map_url()).content.decode()
    return html[html.index("<main") : html.index("</main>")]


def _api(conversation, client) -> dict:
    url = (
        f"/api/municipalities/{conversation.municipality.code}/conversations/"
        f"{conversation.pk}/analysis"
    )
    return client.get(url).json()["result"]


def _setup(conversation, mayors: int) -> None:
    """Two roles large enough, plus `mayors` people who vote as mayor, all the other way."""
    n = min_group_size()
    with scope(municipality=conversation.municipality):
        _voters(conversation, Role.CITIZEN, n, value=1)
        _voters(conversation, Role.EMPLOYEE, n, value=1)
        _voters(conversation, Role.MAYOR, mayors, value=-1)
        services.recompute(conversation)


@pytest.mark.parametrize("mayors", [1, "min-1"])
def test_a_role_too_small_is_on_no_page_api_or_export(conversation, client, tmp_path, mayors):
    n_mayors = min_group_size() - 1 if mayors == "min-1" else 1
    _setup(conversation, n_mayors)
    html = _map(conversation, client)
    # The mayors alone are too few for "Andre", so the smaller of the other roles joins them.
    assert "Medarbejder" in html and "Andre" in html
    assert "Borgmester" not in html
    assert NOTE in html
    result = _api(conversation, client)
    assert "borgmester" not in {r["role"] for r in result["roles"]}
    assert "borgmester" not in str(result)
    # Whatever is left out cannot be read as the whole minus the roles shown: the roles shown
    # cover everyone, or none is shown.
    assert (
        not result["roles"] or sum(r["size"] for r in result["roles"]) == result["n_participants"]
    )
    with scope(municipality=conversation.municipality):
        stored = ConversationAnalysis.objects.get(conversation=conversation).data
        polis.export_polis(conversation, tmp_path / "out")
    assert "borgmester" not in str(stored)
    for path in (tmp_path / "out").iterdir():
        assert "borgmester" not in path.read_text("utf-8")


def test_a_role_with_the_minimum_is_shown(conversation, client):
    _setup(conversation, min_group_size())
    html = _map(conversation, client)
    assert "Borgmester" in html
    assert NOTE not in html
    assert "borgmester" in {r["role"] for r in _api(conversation, client)["roles"]}


def test_small_roles_together_are_shown_as_others_when_that_is_large_enough(
    conversation, client, settings
):
    settings.SAMSKAB_MIN_GROUP_SIZE = 4
    with scope(municipality=conversation.municipality):
        _voters(conversation, Role.CITIZEN, 4, value=1)
        _voters(conversation, Role.EMPLOYEE, 4, value=-1)
        _voters(conversation, Role.MAYOR, 1, value=-1)
        _voters(conversation, Role.COUNCIL_MEMBER, 3, value=1)
        services.recompute(conversation)
    result = _api(conversation, client)
    assert {r["role"]: r["size"] for r in result["roles"]} == {
        "borger": 4,
        "medarbejder": 4,
        "andre": 4,
    }
    html = _map(conversation, client)
    assert "Andre" in html and NOTE in html
    assert "Borgmester" not in html and "Politiker" not in html


def test_a_map_stored_before_the_rule_is_filtered_when_shown(conversation, client):
    """A map computed with every role (before this rule, or with a smaller setting) is grouped
    again when shown, and the consensus across roles no longer carries the mayor's votes."""
    _setup(conversation, 1)
    with scope(municipality=conversation.municipality):
        inp = services.build_input(conversation)
        raw = services.result_data(inp, opinion.analyze(inp))
        assert "borgmester" in {r["role"] for r in raw["roles"]}
        ConversationAnalysis.objects.filter(conversation=conversation).update(data=raw)
    result = _api(conversation, client)
    assert "borgmester" not in str(result)
    shown = [r["counts"] for r in result["roles"]]
    for sid, s in result["statements"].items():
        expected = 1.0 if shown else 0.0
        for counts in shown:
            a, _d, n = counts.get(sid, [0, 0, 0])
            expected *= (a + 1) / (n + 2)
        assert s["ric"] == pytest.approx(expected)
    assert "Borgmester" not in _map(conversation, client)


def test_opinion_groups_too_small_show_no_figures(conversation, client, settings):
    with scope(municipality=conversation.municipality):
        _voters(conversation, Role.CITIZEN, 6, value=1)
        _voters(conversation, Role.EMPLOYEE, 6, value=-1)
        services.recompute(conversation)
        groups = ConversationAnalysis.objects.get(conversation=conversation).data["groups"]
    assert groups and all(g["repness"] or g["counts"] for g in groups)
    settings.SAMSKAB_MIN_GROUP_SIZE = max(g["size"] for g in groups) + 1
    result = _api(conversation, client)
    assert all(g["too_small"] and not g["repness"] and not g["counts"] for g in result["groups"])
    html = _map(conversation, client)
    assert "Gruppen er for lille til at vise tal for sig." in html
    assert NOTE in html
