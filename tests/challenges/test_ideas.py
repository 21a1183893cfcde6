"""Ideas, support and comments through the pages: the flows a citizen notices."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.challenges.models import Comment, Idea, Support, Visibility
from samskab.challenges.phases import Phase
from tests.challenges.conftest import add_idea
from tests.conftest import make_person
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db


def url(challenge, suffix=""):
    return f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/{suffix}"


def idea_url(idea, suffix=""):
    return url(idea.challenge, f"ideer/{idea.pk}/{suffix}")


def test_citizen_submits_an_idea_shown_under_her_pseudonym(client, challenge, citizen):
    client.force_login(citizen)
    response = client.post(
        url(challenge, "ny-ide/"),
        {
            "title": "Fællesspisning i forsamlingshuset",
            "body": "Hver torsdag med *frivillige*.",
            "use_pseudonym": "on",
        },
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    page = html[html.index("<main") :]
    assert "Fællesspisning i forsamlingshuset" in page
    assert "<em>frivillige</em>" in page
    assert "Fjordfan" in page and "Karen Jensen" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "Lang nok beskrivelse her."}, "Dette felt er påkrævet."),
        (
            {"title": "x" * 151, "body": "Lang nok beskrivelse her."},
            "må højst være 150 tegn – du har skrevet 151.",
        ),
        ({"title": "Kort idé her", "body": "kort"}, "mindst 10 tegn"),
        ({"title": "Ring til mig", "body": "Mit CPR er 010190-1234, ring"}, "CPR-nummer"),
    ],
)
def test_bad_ideas_are_refused_in_danish_and_kept(client, challenge, citizen, data, message):
    client.force_login(citizen)
    response = client.post(url(challenge, "ny-ide/"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert data["body"] in html or data["title"] in html
    with scope(municipality=challenge.municipality):
        assert not Idea.objects.exists()


def test_a_duplicate_idea_is_refused(client, challenge, citizen):
    client.force_login(citizen)
    data = {"title": "Gå-makkere", "body": "Naboer går ture med ældre."}
    assert client.post(url(challenge, "ny-ide/"), data).status_code == 302
    response = client.post(url(challenge, "ny-ide/"), {**data, "title": "gå-makkere"})
    assert "allerede foreslået en idé med den titel" in response.content.decode()
    with scope(municipality=challenge.municipality):
        assert Idea.objects.count() == 1


def test_ideas_outside_the_ideas_phase_are_refused(client, challenge, citizen):
    with scopes_disabled():
        challenge.phase = Phase.DECISION
        challenge.save()
    client.force_login(citizen)
    response = client.post(
        url(challenge, "ny-ide/"), {"title": "For sent", "body": "Alt for sent."}
    )
    assert response.status_code == 403
    with scope(municipality=challenge.municipality):
        assert not Idea.objects.exists()


def test_similar_ideas_appear_while_typing(client, challenge, citizen):
    add_idea(
        challenge, citizen, "Spisefællesskaber for ældre", "Fællesspisning i forsamlingshuset."
    )
    add_idea(challenge, citizen, "Cykelsti til skolen", "Sikker vej for børn.")
    html = client.get(
        url(challenge, "lignende/"), {"title": "fællesspisning for de ældre"}
    ).content.decode()
    assert "Spisefællesskaber for ældre" in html
    assert "Cykelsti" not in html


def test_support_once_and_withdraw(client, challenge, citizen, town_a):
    # Someone else's idea: nobody supports their own.
    idea = add_idea(challenge, town_a.member)
    client.force_login(citizen)
    client.post(idea_url(idea, "stoet/"))
    response = client.post(idea_url(idea, "stoet/"), follow=True)
    assert "Du støtter allerede idéen." in response.content.decode()
    with scope(municipality=challenge.municipality):
        idea.refresh_from_db()
        assert idea.support_count == 1 == Support.objects.count()
    client.post(idea_url(idea, "stoet/"), {"action": "withdraw"})
    with scope(municipality=challenge.municipality):
        idea.refresh_from_db()
        assert idea.support_count == 0 == Support.objects.count()


def test_threaded_comments_reply_edit_and_tombstone(
    client, challenge, citizen, town_a, django_capture_on_commit_callbacks
):
    idea = add_idea(challenge, citizen)
    client.force_login(town_a.member)
    client.post(idea_url(idea, "kommenter/"), {"body": "Hvem betaler maden?"})
    with scope(municipality=challenge.municipality):
        first = Comment.objects.get()
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(idea_url(idea, "kommenter/"), {"body": "Foreningen gør.", "parent": first.pk})
    # The member hears about the reply to their comment.
    assert [m.to for m in mail.outbox] == [[town_a.member.email]]
    assert "Foreningen gør." in mail.outbox[0].body
    assert "afmeld" in mail.outbox[0].body.lower()
    with scope(municipality=challenge.municipality):
        reply = Comment.objects.get(parent=first)
    client.post(
        f"/kommuner/{challenge.municipality.slug}/kommentarer/{reply.pk}/ret/",
        {"body": "Foreningen betaler maden."},
    )
    client.force_login(town_a.member)
    client.post(f"/kommuner/{challenge.municipality.slug}/kommentarer/{first.pk}/slet/")
    html = client.get(idea_url(idea)).content.decode()
    assert "Kommentaren er slettet af forfatteren." in html
    assert "Hvem betaler maden?" not in html
    assert "Foreningen betaler maden." in html  # the reply stays readable
    with scope(municipality=challenge.municipality):
        idea.refresh_from_db()
        assert idea.comment_count == 1


def test_comment_edit_window_closes(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    with scopes_disabled():
        comment = Comment.objects.create(
            municipality=challenge.municipality, idea=idea, author=citizen, body="Første tanke"
        )
        Comment.objects.filter(pk=comment.pk).update(
            created_at=timezone.now() - timezone.timedelta(minutes=16)
        )
    client.force_login(citizen)
    response = client.post(
        f"/kommuner/{challenge.municipality.slug}/kommentarer/{comment.pk}/ret/",
        {"body": "Ny tanke"},
    )
    assert "de første 15 minutter" in response.content.decode()
    with scopes_disabled():
        comment.refresh_from_db()
    assert comment.body == "Første tanke"


def test_empty_comment_is_refused_and_kept(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    response = client.post(idea_url(idea, "kommenter/"), {"body": "   "})
    assert response.status_code == 400
    assert "Dette felt er påkrævet." in response.content.decode()


def test_user_text_never_renders_as_html(client, challenge, citizen):
    idea = add_idea(
        challenge,
        citizen,
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)> [x](javascript:alert(2))",
    )
    with scopes_disabled():
        Comment.objects.create(
            municipality=challenge.municipality,
            idea=idea,
            author=citizen,
            body="<b>fed</b><script>alert(3)</script>",
        )
    html = client.get(idea_url(idea)).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_challenge_page_query_count_is_flat(client, challenge, citizen, town_a):
    client.force_login(citizen)

    def fetch():
        assert client.get(url(challenge)).status_code == 200

    def add(n: int) -> None:
        with scopes_disabled():
            for i in range(n):
                idea = add_idea(
                    challenge, make_person(f"p{i}-{Idea.objects.count()}@t.dk"), f"Idé {i}"
                )
                Comment.objects.create(
                    municipality=challenge.municipality, idea=idea, author=citizen, body="Enig"
                )
                Support.objects.create(
                    municipality=challenge.municipality, idea=idea, person=citizen
                )

    assert_flat_query_count(fetch, add)


def test_idea_page_query_count_is_flat_in_comments(client, challenge, citizen):
    idea = add_idea(challenge, citizen)

    def fetch():
        assert client.get(idea_url(idea)).status_code == 200

    def add(n: int) -> None:
        with scopes_disabled():
            parent = None
            for i in range(n):
                parent = Comment.objects.create(
                    municipality=challenge.municipality,
                    idea=idea,
                    author=make_person(f"c{i}-{Comment.objects.count()}@t.dk"),
                    body=f"Kommentar {i}",
                    parent=parent if i % 2 else None,
                )

    client.force_login(citizen)
    assert_flat_query_count(fetch, add)


def test_pending_ideas_wait_for_a_moderator(client, town_a, citizen, moderator):
    from samskab.challenges import services

    with scopes_disabled():
        challenge = services.pose_challenge(
            town_a.public_space, town_a.owner, title="Forhåndsgodkendt?", premoderation=True
        )
    client.force_login(citizen)
    client.post(url(challenge, "ny-ide/"), {"title": "Min idé her", "body": "En god beskrivelse."})
    with scope(municipality=challenge.municipality):
        idea = Idea.objects.get()
    assert idea.visibility == Visibility.PENDING
    client.force_login(town_a.member)
    assert "Min idé her" not in client.get(url(challenge)).content.decode()
    client.force_login(moderator)
    assert (
        "Min idé her"
        in client.get(f"/kommuner/{challenge.municipality.slug}/moderation/").content.decode()
    )
    client.post(
        f"/kommuner/{challenge.municipality.slug}/moderation/ide/{idea.pk}/",
        {"visibility": "visible"},
    )
    client.force_login(town_a.member)
    assert "Min idé her" in client.get(url(challenge)).content.decode()


def test_similar_ideas_follow_new_and_hidden_ideas(client, challenge, citizen, moderator):
    from samskab.challenges import services

    first = add_idea(challenge, citizen, "Spisefællesskaber for ældre", "Fællesspisning i huset.")
    query = {"title": "fællesspisning for de ældre"}
    assert "Spisefællesskaber" in client.get(url(challenge, "lignende/"), query).content.decode()
    add_idea(challenge, citizen, "Fællesspisning med familier", "Ældre og familier spiser sammen.")
    html = client.get(url(challenge, "lignende/"), query).content.decode()
    assert "Fællesspisning med familier" in html
    with scopes_disabled():
        services.moderate(first, moderator, visibility="hidden", reason="Dublet")
    html = client.get(url(challenge, "lignende/"), query).content.decode()
    assert "Spisefællesskaber" not in html
    assert "Fællesspisning med familier" in html
