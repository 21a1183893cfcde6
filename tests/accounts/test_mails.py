"""Every mail Samskab sends says who it is from (Samskab, and the municipality where there is
one), links to what it is about with an address that works from a mail client, and is written in
the recipient's language; allauth's mails and messages are in our own plain Danish."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from samskab.challenges import services as challenge_services
from samskab.challenges.models import ChallengeStatus, Idea, Outcome, Visibility
from samskab.challenges.phases import Phase
from tests.conftest import Town, give_role, make_person

pytestmark = pytest.mark.django_db


def _client(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _links(body: str) -> list[str]:
    """The addresses on this site in a mail, the unsubscribe link left out."""
    found = re.findall(re.escape(settings.SITE_URL) + r"(/\S*)", body)
    return [path for path in found if not path.startswith("/konto/afmeld/")]


@pytest.fixture
def world(town_a: Town):
    with scopes_disabled():
        author = make_person("karen@borger.test", "Karen Jensen")
        neighbour = make_person("nabo@borger.test", "Niels Nabo")
        moderator = make_person("mona@kbh.test", "Mona Moderator")
        give_role(author, town_a.municipality, "borger")
        give_role(neighbour, town_a.municipality, "borger")
        give_role(moderator, town_a.municipality, "moderator")
        challenge = challenge_services.pose_challenge(
            town_a.public_space, town_a.owner, title="Flere bænke i byen", description="…"
        )
        idea = Idea.objects.create(
            municipality=town_a.municipality,
            challenge=challenge,
            author=author,
            title="Bænke ved søerne",
            body="Så kan man hvile sig.",
        )
    return town_a, author, neighbour, moderator, challenge, idea


def _kinds(world):
    """Each kind of notification mail: (name, how to cause it, who gets it)."""
    town, author, neighbour, moderator, challenge, idea = world

    def phase():
        challenge_services.set_phase(challenge, town.owner, Phase.PRIORITISATION)

    def status():
        challenge_services.set_outcome(idea, town.owner, outcome=Outcome.SELECTED, note="Godt.")

    def moderation():
        challenge_services.moderate(
            idea, moderator, visibility=Visibility.HIDDEN, reason="Navne på andre"
        )

    def reply():
        challenge_services.add_comment(idea, neighbour, body="Enig, gode steder at sidde.")

    def challenge_reviewed():
        proposed = challenge_services.pose_challenge(
            town.public_space, author, title="Legeplads i parken", description="…"
        )
        assert proposed.status == ChallengeStatus.PROPOSED
        challenge_services.review_challenge(proposed, moderator, approve=True)

    return [
        ("phase", phase),
        ("status", status),
        ("moderation", moderation),
        ("reply", reply),
        ("challenge_reviewed", challenge_reviewed),
    ]


@pytest.mark.parametrize("kind", ["phase", "status", "moderation", "reply", "challenge_reviewed"])
@pytest.mark.parametrize("language", ["da", "en"])
def test_each_notification_mail_names_the_site_links_and_speaks_the_recipients_language(
    world, kind, language, django_capture_on_commit_callbacks
):
    town, author, *_rest = world
    author.language = language
    author.save(update_fields=["language"])
    cause = dict(_kinds(world))[kind]
    with django_capture_on_commit_callbacks(execute=True), scopes_disabled():
        cause()
    sent = [m for m in mail.outbox if m.to == [author.email]]
    assert len(sent) == 1, [m.subject for m in mail.outbox]
    body = sent[0].body
    with translation.override(language):
        greeting = _("Hej %(name)s") % {"name": author.public_name}
        signature = _("Venlig hilsen\n%(sender)s") % {"sender": f"Samskab · {town.municipality}"}
        unsubscribe = _("Vil du ikke have flere af den slags mails? Afmeld her: %(link)s") % {
            "link": ""
        }
    assert body.startswith(greeting)
    assert signature in body
    assert "København Kommune" in body
    assert unsubscribe.strip() in body
    if language == "en":
        assert "Unsubscribe here" in body
    else:
        assert "Afmeld her" in body
    links = _links(body)
    assert links, body
    # The link opens what the mail is about, for the person it was sent to.
    response = _client(author).get(links[0])
    assert response.status_code == 200, (links[0], response.status_code)
    # … and the same news is in their list in the app, with the same link.
    notifications = _client(author).get("/konto/notifikationer/").content.decode()
    assert f'href="{links[0]}"' in notifications


def test_a_mail_is_never_sent_in_the_senders_language(world, django_capture_on_commit_callbacks):
    town, author, *_rest = world
    author.language = "en"
    author.save(update_fields=["language"])
    with (
        translation.override("da"),
        django_capture_on_commit_callbacks(execute=True),
        scopes_disabled(),
    ):
        challenge_services.set_phase(world[4], town.owner, Phase.PRIORITISATION)
    body = mail.outbox[0].body
    assert "Afmeld her" not in body and "Unsubscribe here" in body


# --- allauth's mails and messages ----------------------------------------------------------------


def _signup(client: Client, email: str = "ny@borger.test"):
    return client.post(
        "/konto/signup/",
        {"email": email, "password1": "et langt kodeord 42", "password2": "et langt kodeord 42"},
    )


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_sign_up_mail_names_samskab_not_the_host(db, language):
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = _signup(client)
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert "127.0.0.1!" not in message.body and "Hej fra" not in message.body
    with translation.override(language):
        subject = _("Bekræft din e-mailadresse")
        ask = _("Bekræft din e-mailadresse ved at åbne dette link:")
        hello = _("Hej")
        regards = _("Venlig hilsen")
    assert message.subject == f"{subject} – Samskab"
    assert message.body.startswith(hello)
    assert ask in message.body
    assert f"{regards}\nSamskab" in message.body
    if language == "da":
        assert "Loggede" not in message.body and "succesfuldt" not in message.body
    link = re.search(r"http://\S+/konto/confirm-email/\S+/", message.body).group(0)
    assert Client().get(link.split("127.0.0.1", 1)[1]).status_code == 200


def test_the_password_reset_mail_is_our_danish_and_its_link_works(db):
    make_person("karen@borger.test", "Karen Jensen")
    client = Client()
    client.post("/konto/password/reset/", {"email": "karen@borger.test"})
    message = mail.outbox[-1]
    assert message.subject == "Vælg en ny adgangskode – Samskab"
    assert "Åbn linket for at vælge en ny adgangskode" in message.body
    link = re.search(r"http://testserver(/konto/password/reset/key/\S+/)", message.body).group(1)
    assert client.get(link, follow=True).status_code == 200


def test_an_unknown_address_gets_a_plain_danish_mail(db):
    Client().post("/konto/password/reset/", {"email": "ingen@borger.test"})
    message = mail.outbox[-1]
    assert message.subject == "Vi kender ikke din e-mailadresse – Samskab"
    assert "Der findes ingen profil med den adresse." in message.body


def test_logging_in_and_out_says_so_in_plain_danish(db):
    make_person("karen@borger.test", "Karen Jensen")
    client = Client()
    response = client.post(
        "/konto/login/",
        {"login": "karen@borger.test", "password": "correct horse battery"},
        follow=True,
    )
    page = response.content.decode()
    assert "Du er logget ind." in page and "succesfuldt" not in page.lower()
    response = client.post("/konto/logout/", follow=True)
    assert "Du er logget ud." in response.content.decode()


@pytest.mark.parametrize("state", [-1, 1])
def test_the_author_of_a_statement_hears_what_the_moderator_decided(
    town_a, state, django_capture_on_commit_callbacks
):
    from django_scopes import scope

    from samskab.opinions import services as opinion_services
    from samskab.opinions.models import ModerationMode

    karen = make_person("karen@borger.test", "Karen Jensen")
    moderator = make_person("mona@kbh.test", "Mona Moderator")
    with scopes_disabled():
        give_role(karen, town_a.municipality, "borger")
        give_role(moderator, town_a.municipality, "moderator")
    with scope(municipality=town_a.municipality):
        conversation = opinion_services.create_conversation(
            town_a.public_space,
            town_a.owner,
            title="Byens bænke",
            moderation_mode=ModerationMode.PRE,
            statements=["Flere bænke."],
        )
        statement = opinion_services.add_statement(conversation, karen, text="Bænke ved søen.")
        with django_capture_on_commit_callbacks(execute=True):
            opinion_services.moderate_statement(
                statement, moderator, state=state, reason="Findes allerede"
            )
    (message,) = [m for m in mail.outbox if m.to == [karen.email]]
    assert "Bænke ved søen." in message.body and "Byens bænke" in message.body
    assert ("Findes allerede" in message.body) == (state == -1)
    assert "Samskab · København Kommune" in message.body
    (link,) = _links(message.body)
    assert link == conversation.get_absolute_url()
    assert _client(karen).get(link).status_code == 200
