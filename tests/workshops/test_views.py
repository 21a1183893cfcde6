"""Workshop pages: access, tenancy, joining by code, answering, the big screen and its cost."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.complexity.models import Rating
from samskab.reflection.models import AnonymousEntry, Entry
from samskab.workshops import board, services
from samskab.workshops.models import (
    Activity,
    ActivityKind,
    AnswerReceipt,
    LiveSession,
    WorkshopParticipant,
)
from tests.helpers import assert_flat_query_count, count_queries
from tests.workshops.conftest import ALL_KINDS, make_facilitator

pytestmark = pytest.mark.django_db


def _urls(workshop):
    slug = workshop.municipality.slug
    return {
        "control": reverse("workshops:control", args=[slug, workshop.pk]),
        "screen": reverse("workshops:screen", args=[slug, workshop.pk]),
        "live": reverse("workshops:screen_live", args=[slug, workshop.pk]),
        "steer": reverse("workshops:steer", args=[slug, workshop.pk]),
    }


def _show(workshop, kind):
    with scopes_disabled():
        activity = Activity.objects.get(session=workshop, kind=kind)
        LiveSession.objects.filter(pk=workshop.pk).update(current=activity)
    return activity


def _phone_join(client, workshop, pseudonym="Anna"):
    return client.post(reverse("workshops:join"), {"code": workshop.code, "pseudonym": pseudonym})


def test_create_page_and_create(client, town_a, facilitator, setup):
    challenge = setup[0]
    url = reverse("workshops:create", args=[town_a.municipality.slug, challenge.pk])
    client.force_login(facilitator)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Workshop", "kinds": ALL_KINDS, "allow_anonymous": "on", "hours": "3"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        session = LiveSession.objects.get()
        assert session.activities.count() == 4 and session.allow_anonymous
    response = client.post(url, {"title": "Workshop", "kinds": [], "hours": "3"})
    assert response.status_code == 400
    assert "Vælg mindst én aktivitet" in response.content.decode()


def test_facilitator_picks_the_reflection_question(client, town_a, facilitator, setup):
    challenge, _conversation, reflection = setup
    url = reverse("workshops:create", args=[town_a.municipality.slug, challenge.pk])
    client.force_login(facilitator)
    second = board.prompt_text(reflection.prompts[1])
    assert second in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title": "W",
            "kinds": ["reflection"],
            "hours": "2",
            "allow_anonymous": "on",
            "prompt_index": "1",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        activity = Activity.objects.get(kind=ActivityKind.REFLECTION)
    assert activity.prompt_index == 1
    # The phones get that question.
    client.logout()
    _phone_join(client, activity.session)
    assert (
        second
        in client.get(reverse("workshops:play", args=[activity.session.code])).content.decode()
    )
    # A question that is not there is refused and opens nothing.
    client.force_login(facilitator)
    response = client.post(
        url, {"title": "W", "kinds": ["reflection"], "hours": "2", "prompt_index": "99"}
    )
    assert response.status_code == 400
    with scopes_disabled():
        assert LiveSession.objects.count() == 1


def test_pages_need_a_process_runner(client, town_a, workshop):
    urls = _urls(workshop)
    for url in (urls["control"], urls["screen"], urls["live"]):
        response = client.get(url)
        assert response.status_code == 302  # to the login
        client.force_login(town_a.member)
        assert client.get(url).status_code == 404
        client.logout()
    client.force_login(town_a.owner)  # administrator
    for url in (urls["control"], urls["screen"], urls["live"]):
        assert client.get(url).status_code == 200
    challenge_url = reverse(
        "workshops:create", args=[town_a.municipality.slug, workshop.challenge_id]
    )
    client.force_login(town_a.member)
    assert client.get(challenge_url).status_code == 403


def test_another_municipalitys_workshop_is_404(client, town_a, town_b, workshop):
    other = make_facilitator(town_b, "fac-b@ws.test")
    client.force_login(other)
    for url in _urls(workshop).values():
        assert client.get(url).status_code in (404, 405)
    # The same id under the other municipality's slug is also 404.
    url = reverse("workshops:control", args=[town_b.municipality.slug, workshop.pk])
    assert client.get(url).status_code == 404


def test_control_shows_code_and_qr(client, facilitator, workshop):
    client.force_login(facilitator)
    html = client.get(_urls(workshop)["control"]).content.decode()
    assert workshop.code in html
    assert "<svg" in html  # the QR code, drawn on the server


def test_steer_next_and_close(client, facilitator, workshop):
    client.force_login(facilitator)
    client.post(_urls(workshop)["steer"], {"action": "next"})
    with scopes_disabled():
        assert LiveSession.objects.get(pk=workshop.pk).current.position == 2
    client.post(_urls(workshop)["steer"], {"action": "close"})
    with scopes_disabled():
        assert not LiveSession.objects.get(pk=workshop.pk).is_open


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("QQQQQQ", "Vi kender ikke den deltagerkode"),
        ("QQ", "Deltagerkoden har 6 tegn"),
    ],
)
def test_join_wrong_code(client, workshop, code, message):
    response = client.post(reverse("workshops:join"), {"code": code, "pseudonym": "Anna"})
    assert response.status_code == 400
    assert message in response.content.decode()
    with scopes_disabled():
        assert not WorkshopParticipant.objects.exists()


def test_join_expired_and_closed(client, workshop):
    with scopes_disabled():
        LiveSession.objects.filter(pk=workshop.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    response = _phone_join(client, workshop)
    assert response.status_code == 400 and "Workshoppen er udløbet" in response.content.decode()
    with scopes_disabled():
        LiveSession.objects.filter(pk=workshop.pk).update(is_open=False)
    response = _phone_join(client, workshop)
    assert response.status_code == 400
    with scopes_disabled():
        assert not WorkshopParticipant.objects.exists()


def test_join_is_rate_limited_after_wrong_codes(client, workshop):
    for _i in range(services.JOIN_LIMITS["ip"][0]):
        client.post(reverse("workshops:join"), {"code": "QQQQQQ", "pseudonym": "x"})
    response = _phone_join(client, workshop)
    assert response.status_code == 400
    assert "mange forkerte koder" in response.content.decode()
    with scopes_disabled():
        assert not WorkshopParticipant.objects.exists()


def test_many_phones_on_one_address_can_join(client, workshop):
    for n in range(services.JOIN_LIMITS["ip"][0] + 5):
        phone = client.__class__()
        assert _phone_join(phone, workshop, pseudonym=f"P{n}").status_code == 302


def test_join_without_account_when_not_allowed(client, town_a, workshop):
    with scopes_disabled():
        LiveSession.objects.filter(pk=workshop.pk).update(allow_anonymous=False)
    response = _phone_join(client, workshop)
    assert response.status_code == 400 and "Log ind" in response.content.decode()
    client.force_login(town_a.member)
    assert _phone_join(client, workshop).status_code == 302
    with scopes_disabled():
        assert WorkshopParticipant.objects.get().person == town_a.member


def test_phone_joins_answers_once_and_waits(client, workshop):
    response = _phone_join(client, workshop)
    play = reverse("workshops:play", args=[workshop.code])
    assert response.status_code == 302 and response["Location"] == play
    page = client.get(play).content.decode()
    assert 'name="agreement"' in page
    with scopes_disabled():
        activity = Activity.objects.get(session=workshop, kind=ActivityKind.STACEY)
    answer = {"activity": activity.pk, "agreement": "2", "certainty": "5"}
    assert client.post(play, answer).status_code == 302
    assert client.post(play, answer).status_code == 302  # re-sent: no error, counted once
    with scopes_disabled():
        assert Rating.objects.count() == 1 and AnswerReceipt.objects.count() == 1
    page = client.get(play).content.decode()
    assert "Vent på næste aktivitet" in page
    # The waiting phone is told to refresh once the facilitator moves on.
    waiting = reverse("workshops:waiting", args=[workshop.code])
    assert "HX-Refresh" not in client.get(waiting, {"activity": f"{activity.pk}-1"}).headers
    assert client.get(waiting, {"activity": "0-1"}).headers["HX-Refresh"] == "true"
    # Joining again from the same phone keeps the participant.
    assert client.get(reverse("workshops:join") + f"?kode={workshop.code}").status_code == 302


def test_a_guest_picks_a_role_when_joining(client, workshop):
    page = client.get(reverse("workshops:join") + f"?kode={workshop.code}").content.decode()
    assert 'name="role"' in page and "Borger" in page and "Administrator" not in page
    response = client.post(
        reverse("workshops:join"), {"code": workshop.code, "pseudonym": "Bo", "role": "leder"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert WorkshopParticipant.objects.get().role == "leder"


def test_bad_answer_shows_a_danish_message_and_stores_nothing(client, workshop):
    _phone_join(client, workshop)
    play = reverse("workshops:play", args=[workshop.code])
    with scopes_disabled():
        activity = Activity.objects.get(session=workshop, kind=ActivityKind.STACEY)
        Activity.objects.filter(pk=activity.pk).update(is_open=False)
    response = client.post(play, {"activity": activity.pk, "agreement": "2", "certainty": "5"})
    assert response.status_code == 400
    assert "Aktiviteten er lukket" in response.content.decode()
    with scopes_disabled():
        assert not Rating.objects.exists()


def test_answer_to_a_closed_session_says_so_and_stores_nothing(client, workshop):
    _phone_join(client, workshop)
    play = reverse("workshops:play", args=[workshop.code])
    with scopes_disabled():
        activity = Activity.objects.get(session=workshop, kind=ActivityKind.STACEY)
        LiveSession.objects.filter(pk=workshop.pk).update(is_open=False)
    response = client.post(
        play, {"activity": activity.pk, "agreement": "2", "certainty": "5"}, follow=True
    )
    assert "workshoppen er slut" in response.content.decode()
    with scopes_disabled():
        assert not Rating.objects.exists() and not AnswerReceipt.objects.exists()


def test_play_without_joining_goes_to_join(client, workshop):
    response = client.get(reverse("workshops:play", args=[workshop.code]))
    assert response.status_code == 302 and reverse("workshops:join") in response["Location"]


def _join_many(town, workshop, n, start=0):
    with scope(municipality=town.municipality):
        return [
            services.join(workshop, AnonymousUser(), pseudonym=f"Deltager {start + i}")
            for i in range(n)
        ]


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_each_kind_shows_on_the_big_screen_and_stays_cheap(
    client, town_a, facilitator, workshop, kind
):
    activity = _show(workshop, kind)
    with scopes_disabled():
        activity = Activity.objects.select_related(
            "assessment_round", "conversation", "reflection_session", "session__challenge"
        ).get(pk=activity.pk)
    client.force_login(facilitator)
    live = _urls(workshop)["live"]
    joined = [0]

    def add(n):
        for p in _join_many(town_a, workshop, n, start=joined[0]):
            with scope(municipality=town_a.municipality):
                p.session = workshop
                if kind == ActivityKind.STACEY:
                    data = {"agreement": 1 + joined[0] % 5, "certainty": 3}
                elif kind == ActivityKind.STATEMENTS:
                    s = services.next_statement_for(activity, p)
                    data = {"statement": s.pk, "value": "-1"}
                elif kind == ActivityKind.PAIRWISE:
                    left, right = services.next_pair_for(activity, p)
                    data = {"left": left.pk, "right": right.pk, "choice": "right"}
                else:
                    data = {"text": f"Svar {joined[0]}", "visibility": "shared"}
                services.answer(activity, p, data)
            joined[0] += 1

    def fetch():
        response = client.get(live)
        assert response.status_code == 200
        return response

    assert_flat_query_count(fetch, add)
    html = fetch().content.decode()
    if kind == ActivityKind.STACEY:
        assert "11 svar" in html and 'data-testid="stacey-mean"' in html
    elif kind == ActivityKind.STATEMENTS:
        # A count of one reads as well as any other ("uenige: 1", not "1 uenige").
        assert "uenige: 6" in html and "uenige: 5" in html
    elif kind == ActivityKind.PAIRWISE:
        assert "11 sammenligninger" in html
    else:
        assert "Svar 10" in html and "Deltager 10" in html
    n, _ = count_queries(fetch)
    assert n <= 12


def test_anonymous_reflection_never_shows_a_name(client, town_a, facilitator, workshop):
    activity = _show(workshop, ActivityKind.REFLECTION)
    phone = client.__class__()
    _phone_join(phone, workshop, pseudonym="Hemmelige Hanne")
    play = reverse("workshops:play", args=[workshop.code])
    phone.post(
        play, {"activity": activity.pk, "text": "Magten lå hos os.", "visibility": "anonymous"}
    )
    with scopes_disabled():
        assert AnonymousEntry.objects.count() == 1 and not Entry.objects.exists()
    client.force_login(facilitator)
    for url in (_urls(workshop)["live"], _urls(workshop)["screen"]):
        html = client.get(url).content.decode()
        assert "Magten lå hos os." in html
        assert "Hemmelige Hanne" not in html
    # Nor in the reflection room's own page, nor on the phone's next page.
    assert "Hemmelige Hanne" in phone.get(play).content.decode()  # only the phone's own name


def test_user_text_is_escaped_on_the_big_screen(client, town_a, facilitator, workshop):
    activity = _show(workshop, ActivityKind.REFLECTION)
    phone = client.__class__()
    _phone_join(phone, workshop, pseudonym="<b>Bo</b>")
    play = reverse("workshops:play", args=[workshop.code])
    phone.post(
        play, {"activity": activity.pk, "text": "<script>x()</script>", "visibility": "shared"}
    )
    client.force_login(facilitator)
    html = client.get(_urls(workshop)["live"]).content.decode()
    assert "<script>x()" not in html and "&lt;script&gt;" in html
    assert "<b>Bo</b>" not in html and "&lt;b&gt;Bo" in html


def test_statement_bars_count_only_the_rooms_votes(client, town_a, facilitator, workshop):
    from samskab.opinions import services as opinion_services

    activity = _show(workshop, ActivityKind.STATEMENTS)
    with scope(municipality=town_a.municipality):
        statement = activity.conversation.statements.order_by("id").first()
        # Someone voting online, outside the workshop.
        opinion_services.cast_vote(activity.conversation, statement, town_a.member, value=1)
    client.force_login(facilitator)
    html = client.get(_urls(workshop)["live"]).content.decode()
    assert "Enige: 0, uenige: 0, sprang over: 0" in html and "Enige: 1" not in html
