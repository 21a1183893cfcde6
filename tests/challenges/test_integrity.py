"""Holes found in review (issue 9), closed: moderation that cannot be bypassed, moderators only
where they may look, services that check and record, no 500 on odd input, no formulas in CSV."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope, scopes_disabled

from samskab.challenges import services
from samskab.challenges.models import Challenge, ChallengeStatus, Comment, Idea, Visibility
from samskab.challenges.phases import Phase
from samskab.core.errors import ServiceError
from samskab.core.exports import neutralise_cell
from samskab.core.models import AuditEvent
from tests.challenges.conftest import add_idea
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db

HUGE = "9" * 25  # far beyond 64 bits


def url(challenge, suffix=""):
    return f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/{suffix}"


def idea_url(idea, suffix=""):
    return url(idea.challenge, f"ideer/{idea.pk}/{suffix}")


def api(challenge, suffix=""):
    return f"/api/municipalities/{challenge.municipality.code}/challenges/{challenge.pk}{suffix}"


def _premoderated(challenge: Challenge) -> Challenge:
    with scopes_disabled():
        challenge.premoderation = True
        challenge.save()
    return challenge


# --- finding 10: an edit goes back through moderation -------------------------------------------


def test_editing_an_approved_comment_in_a_premoderated_challenge_queues_it_again(
    client, challenge, citizen, moderator, town_a
):
    _premoderated(challenge)
    idea = add_idea(challenge, town_a.member)
    with scopes_disabled():
        idea.visibility = Visibility.VISIBLE
        idea.save()
    client.force_login(citizen)
    client.post(idea_url(idea, "kommenter/"), {"body": "Godt forslag, jeg hjælper gerne."})
    with scopes_disabled():
        comment = Comment.objects.get(idea=idea)
    assert comment.visibility == Visibility.PENDING
    slug = challenge.municipality.slug
    client.force_login(moderator)
    client.post(f"/kommuner/{slug}/moderation/kommentar/{comment.pk}/", {"visibility": "visible"})
    with scopes_disabled():
        comment.refresh_from_db()
        idea.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE and idea.comment_count == 1

    client.force_login(citizen)
    response = client.post(
        f"/kommuner/{slug}/kommentarer/{comment.pk}/ret/", {"body": "Køb min bog på spam.test"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        comment.refresh_from_db()
        idea.refresh_from_db()
    assert comment.visibility == Visibility.PENDING
    assert idea.comment_count == 0
    # Others see neither the unreviewed text nor the old one; the author sees it is waiting.
    client.force_login(town_a.outsider)
    html = client.get(idea_url(idea)).content.decode()
    assert "spam.test" not in html and "Godt forslag" not in html
    client.force_login(citizen)
    html = client.get(idea_url(idea)).content.decode()
    assert "spam.test" in html and "Afventer godkendelse" in html
    client.force_login(moderator)
    assert "spam.test" in client.get(f"/kommuner/{slug}/moderation/").content.decode()


def test_an_edit_without_premoderation_stays_visible(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    with scopes_disabled():
        comment = services.add_comment(idea, citizen, body="Første udgave")
        services.edit_comment(comment, citizen, body="Rettet udgave")
        comment.refresh_from_db()
        idea.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE and idea.comment_count == 1


def test_replies_to_a_comment_waiting_again_stay_readable(client, challenge, citizen, town_a):
    _premoderated(challenge)
    idea = add_idea(challenge, town_a.member)
    with scopes_disabled():
        first = Comment.objects.create(
            municipality=challenge.municipality, idea=idea, author=citizen, body="Oprindelig"
        )
        Comment.objects.create(
            municipality=challenge.municipality,
            idea=idea,
            author=town_a.member,
            parent=first,
            body="Et svar, der stadig skal kunne læses",
        )
        idea.comment_count = 2
        idea.save()
        services.edit_comment(first, citizen, body="Ny tekst uden godkendelse")
    client.force_login(town_a.outsider)
    html = client.get(idea_url(idea)).content.decode()
    assert "Et svar, der stadig skal kunne læses" in html
    assert "Ny tekst uden godkendelse" not in html and "afventer godkendelse" in html


# --- finding 6: moderators act only where they may look; next; CSV -------------------------------


def test_moderator_neither_sees_nor_moderates_content_in_a_closed_space(
    client, town_a, citizen, moderator
):
    with scopes_disabled():
        closed = services.pose_challenge(
            town_a.invite_space, town_a.owner, title="Lukket spørgsmål?", premoderation=True
        )
        closed.premoderation = True
        closed.save()
        idea = Idea.objects.create(
            municipality=closed.municipality,
            challenge=closed,
            author=town_a.owner,
            title="Hemmelig plan for skolen",
            body="Kun for inviterede.",
            visibility=Visibility.PENDING,
        )
        proposed = Challenge.objects.create(
            municipality=closed.municipality,
            space=town_a.invite_space,
            title="Foreslået i det lukkede rum?",
            status=ChallengeStatus.PROPOSED,
        )
    slug = town_a.municipality.slug
    client.force_login(moderator)
    queue = client.get(f"/kommuner/{slug}/moderation/").content.decode()
    assert "Hemmelig plan" not in queue and "Foreslået i det lukkede" not in queue
    response = client.post(f"/kommuner/{slug}/moderation/ide/{idea.pk}/", {"visibility": "visible"})
    assert response.status_code == 404
    assert client.post(url(proposed, "godkend/"), {"approve": "1"}).status_code == 404
    with scopes_disabled():
        with pytest.raises(ServiceError):
            services.moderate(idea, moderator, visibility="visible", reason="")
        with pytest.raises(ServiceError):
            services.review_challenge(proposed, moderator, approve=True)
        idea.refresh_from_db()
        proposed.refresh_from_db()
    assert idea.visibility == Visibility.PENDING
    assert proposed.status == ChallengeStatus.PROPOSED
    # The administrator, who may enter every space, still sees it.
    client.force_login(town_a.owner)
    assert "Hemmelig plan" in client.get(f"/kommuner/{slug}/moderation/").content.decode()


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "x:y", "javascript:alert(1)"]
)
def test_support_form_only_goes_back_to_this_site(client, challenge, citizen, target):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    response = client.post(idea_url(idea, "stoet/"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == idea.get_absolute_url()


def test_support_form_goes_back_to_a_page_on_this_site(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    back = url(challenge) + "?sorter=nyeste"
    response = client.post(idea_url(idea, "stoet/"), {"next": back})
    assert response["Location"] == back


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("https://evil.example")', '\'=HYPERLINK("https://evil.example")'),
        ("+4512345678", "'+4512345678"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Bænke ved åen", "Bænke ved åen"),
        ("", ""),
        (3, 3),
    ],
)
def test_neutralise_cell(value, expected):
    assert neutralise_cell(value) == expected


def test_csv_export_has_no_formula_cells(client, challenge, citizen):
    add_idea(challenge, citizen, title='=HYPERLINK("https://evil.example","Klik")')
    response = client.get(url(challenge, "eksport/ideer.csv"))
    body = response.content.decode()
    assert "'=HYPERLINK" in body
    assert ";=HYPERLINK" not in body and "\n=HYPERLINK" not in body


# --- finding 7: each service checks its own permission and records what it did --------------------


def test_support_and_withdrawal_are_audited(challenge, citizen, town_a):
    idea = add_idea(challenge, town_a.member)
    with scope(municipality=challenge.municipality):
        services.support(idea, citizen)
        services.withdraw_support(idea, citizen)
        actions = list(
            AuditEvent.objects.filter(target_id=str(idea.pk)).values_list("action", flat=True)
        )
    assert "idea.supported" in actions and "idea.support_withdrawn" in actions


def test_withdrawal_after_the_support_phase_is_refused(challenge, citizen, town_a):
    idea = add_idea(challenge, town_a.member)
    with scope(municipality=challenge.municipality):
        services.support(idea, citizen)
        challenge.phase = Phase.DECISION
        challenge.save()
        idea.refresh_from_db()
        with pytest.raises(ServiceError):
            services.withdraw_support(idea, citizen)
        idea.refresh_from_db()
    assert idea.support_count == 1


def test_services_refuse_people_without_the_right(challenge, citizen, town_a):
    idea = add_idea(challenge, citizen)
    with scope(municipality=challenge.municipality):
        proposed = services.pose_challenge(town_a.public_space, citizen, title="Flere bænke?")
        for actor in (citizen, town_a.member, AnonymousUser()):
            with pytest.raises(ServiceError):
                services.set_phase(challenge, actor, Phase.PRIORITISATION)
            with pytest.raises(ServiceError):
                services.set_outcome(idea, actor, outcome="selected")
            with pytest.raises(ServiceError):
                services.review_challenge(proposed, actor, approve=True)
        challenge.refresh_from_db()
        idea.refresh_from_db()
        proposed.refresh_from_db()
        assert challenge.phase == Phase.IDEAS
        assert idea.outcome == "open"
        assert proposed.status == ChallengeStatus.PROPOSED
        assert not AuditEvent.objects.filter(
            action__in=["challenge.phase", "idea.outcome", "challenge.reviewed"]
        ).exists()


# --- finding 15: a proposer cannot run a challenge that awaits approval -------------------------


def test_proposer_cannot_change_the_phase_while_awaiting_approval(client, town_a, citizen):
    with scopes_disabled():
        proposed = services.pose_challenge(town_a.public_space, citizen, title="Flere bænke?")
    assert proposed.status == ChallengeStatus.PROPOSED
    client.force_login(citizen)
    response = client.post(url(proposed, "fase/"), {"phase": Phase.FOLLOW_UP})
    assert response.status_code == 403
    with scopes_disabled():
        proposed.refresh_from_db()
        assert proposed.phase == Phase.IDEAS
        assert not citizen.has_perm("challenges.manage_challenge", proposed)
        with pytest.raises(ServiceError):
            services.set_phase(proposed, citizen, Phase.FOLLOW_UP)


# --- finding 12: no 500 on ids beyond 64 bits or odd query parameters ----------------------------


def test_huge_category_id_in_the_idea_form_is_a_form_error(client, challenge, citizen):
    client.force_login(citizen)
    response = client.post(
        url(challenge, "ny-ide/"),
        {"title": "Bænke ved åen", "body": "Så ældre kan hvile sig.", "category": HUGE},
    )
    assert response.status_code == 200
    assert "Vælg en af udfordringens kategorier." in response.content.decode()
    with scopes_disabled():
        assert not Idea.objects.exists()


@pytest.mark.parametrize("value", [HUGE, "²", "-1", "abc", "1e5"])
def test_odd_category_filter_lists_the_ideas(client, challenge, citizen, value):
    add_idea(challenge, citizen, title="Bænke ved åen")
    response = client.get(url(challenge), {"kategori": value})
    assert response.status_code == 200


def test_huge_parent_id_on_a_comment_is_refused(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    response = client.post(idea_url(idea, "kommenter/"), {"body": "Et svar", "parent": HUGE})
    assert response.status_code in (400, 404)
    with scopes_disabled():
        assert not Comment.objects.exists()


def test_huge_ids_on_the_api_are_400(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    response = client.post(
        api(challenge, "/ideas"),
        {"title": "Bænke ved åen", "body": "Så ældre kan hvile sig.", "category_id": int(HUGE)},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)
    response = client.post(
        api(challenge, f"/ideas/{idea.pk}/comments"),
        {"body": "Et svar", "parent_id": int(HUGE)},
        content_type="application/json",
    )
    assert response.status_code in (400, 404, 422)
    with scopes_disabled():
        assert Idea.objects.count() == 1
        assert not Comment.objects.exists()


def test_compare_over_the_api_with_huge_ids_is_refused(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    with scopes_disabled():
        challenge.phase = Phase.PRIORITISATION
        challenge.save()
    client.force_login(citizen)
    response = client.post(
        api(challenge, "/comparisons"),
        {"left_id": int(HUGE), "right_id": idea.pk, "choice": "left"},
        content_type="application/json",
    )
    assert response.status_code in (400, 422)


def test_compare_form_with_huge_ids_is_refused(client, challenge, citizen):
    from samskab.challenges.forms import CompareForm

    form = CompareForm({"left": HUGE, "right": "1", "choice": "left"})
    assert not form.is_valid()


# --- finding 13: no CPR numbers in categories or moderation reasons -----------------------------


def test_cpr_number_in_a_category_is_refused(client, town_a):
    client.force_login(town_a.owner)
    response = client.post(
        f"/kommuner/{town_a.municipality.slug}/rum/{town_a.public_space.slug}/ny-udfordring/",
        {"title": "Hvad gør vi med parken?", "categories": "Natur, 010190-1234"},
    )
    assert response.status_code == 200
    assert "CPR-nummer" in response.content.decode()
    with scopes_disabled():
        assert not Challenge.objects.filter(title="Hvad gør vi med parken?").exists()
        with pytest.raises(ServiceError):
            services.pose_challenge(
                town_a.public_space, town_a.owner, title="Park?", categories=["0101901234"]
            )
        assert not Challenge.objects.filter(title="Park?").exists()


def test_cpr_number_in_a_moderation_reason_is_refused(client, challenge, citizen, moderator):
    idea = add_idea(challenge, citizen)
    slug = challenge.municipality.slug
    client.force_login(moderator)
    client.post(
        f"/kommuner/{slug}/moderation/ide/{idea.pk}/",
        {"visibility": "hidden", "reason": "Du skrev 010190-1234"},
    )
    with scopes_disabled():
        idea.refresh_from_db()
        assert idea.visibility == Visibility.VISIBLE
        with pytest.raises(ServiceError):
            services.moderate(idea, moderator, visibility="hidden", reason="CPR 0101901234")
        proposed = services.pose_challenge(challenge.space, citizen, title="Flere bænke?")
        with pytest.raises(ServiceError):
            services.review_challenge(proposed, moderator, approve=False, reason="010190 1234")
        proposed.refresh_from_db()
    assert proposed.status == ChallengeStatus.PROPOSED


# --- finding 8: lists that grow cost the same number of queries ---------------------------------


def test_moderation_queue_query_count_is_flat(client, town_a, citizen, moderator):
    made: list[Challenge] = []

    def add_items(n: int) -> None:
        with scopes_disabled():
            for _ in range(n):
                i = len(made)
                made.append(
                    services.pose_challenge(town_a.public_space, citizen, title=f"Forslag {i}?")
                )
                published = services.pose_challenge(
                    town_a.public_space, town_a.owner, title=f"Spørgsmål {i}?", premoderation=True
                )
                Idea.objects.create(
                    municipality=published.municipality,
                    challenge=published,
                    author=citizen,
                    title=f"Afventende idé {i}",
                    body="Venter på en moderator.",
                    visibility=Visibility.PENDING,
                )
                shown = add_idea(published, citizen, title=f"Synlig idé {i}")
                Comment.objects.create(
                    municipality=published.municipality,
                    idea=shown,
                    author=citizen,
                    body="Afventende kommentar",
                    visibility=Visibility.PENDING,
                )
                services.flag(town_a.member, shown, reason=f"Anmeldelse {i}")

    def fetch() -> None:
        response = client.get(f"/kommuner/{town_a.municipality.slug}/moderation/")
        assert response.status_code == 200
        html = response.content.decode()
        assert made[-1].title in html and f"Anmeldelse {len(made) - 1}" in html

    client.force_login(moderator)
    assert_flat_query_count(fetch, add_items)


def test_api_challenge_list_query_count_is_flat(client, town_a):
    made: list[Challenge] = []

    def add_items(n: int) -> None:
        with scopes_disabled():
            for _ in range(n):
                made.append(
                    services.pose_challenge(
                        town_a.public_space, town_a.owner, title=f"Spørgsmål {len(made)}?"
                    )
                )

    def fetch() -> None:
        response = client.get(f"/api/municipalities/{town_a.municipality.code}/challenges")
        assert response.status_code == 200
        assert made[-1].title in {c["title"] for c in response.json()}

    client.force_login(town_a.member)
    assert_flat_query_count(fetch, add_items)


def test_api_idea_and_comment_lists_query_count_is_flat(client, challenge, citizen, town_a):
    ideas: list[Idea] = []
    first = add_idea(challenge, citizen, title="Den første idé")

    def add_items(n: int) -> None:
        with scopes_disabled():
            category = challenge.categories.first()
            for _ in range(n):
                idea = add_idea(challenge, citizen, title=f"Idé nummer {len(ideas)}")
                idea.category = category
                idea.save()
                ideas.append(idea)
                Comment.objects.create(
                    municipality=challenge.municipality,
                    idea=first,
                    author=citizen,
                    body=f"Kommentar {len(ideas)}",
                )

    def fetch() -> None:
        response = client.get(api(challenge, "/ideas"))
        assert response.status_code == 200
        assert ideas[-1].title in {i["title"] for i in response.json()}
        response = client.get(api(challenge, f"/ideas/{first.pk}/comments"))
        assert response.status_code == 200
        assert f"Kommentar {len(ideas)}" in {c["body"] for c in response.json()}

    client.force_login(town_a.member)
    assert_flat_query_count(fetch, add_items)
