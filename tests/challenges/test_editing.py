"""Editing one's own idea, and a challenge after it was published: what a person notices.

The rules (services.edit_idea / edit_challenge): the author edits during the idea phase; before
anyone has commented on or supported the idea silently, after that with "Redigeret <dato>";
never a hidden idea; under pre-moderation the new text waits for a moderator. The poser and
process runners edit a published challenge, but not the date of a phase that has run. Every
earlier version is kept, and every edit is in the audit trail.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django_scopes import scope, scopes_disabled

from samskab.challenges import services
from samskab.challenges.models import (
    ChallengeRevision,
    Idea,
    IdeaRevision,
    Visibility,
)
from samskab.challenges.phases import Phase
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from tests.challenges.conftest import add_idea

pytestmark = pytest.mark.django_db


def url(challenge, suffix=""):
    return f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/{suffix}"


def idea_url(idea, suffix=""):
    return url(idea.challenge, f"ideer/{idea.pk}/{suffix}")


def api(idea):
    c = idea.challenge
    return f"/api/municipalities/{c.municipality.code}/challenges/{c.pk}/ideas/{idea.pk}"


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def today() -> str:
    return date_format(timezone.localdate(), "j. F Y")


NEW = {"title": "Fællesspisning hver torsdag", "body": "I forsamlingshuset, med frivillige."}


def test_author_edits_before_anyone_replied_without_a_mark(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    page = main(client.get(idea_url(idea)))
    assert "Ret din idé" in page
    assert client.get(idea_url(idea, "ret/")).status_code == 200
    response = client.post(idea_url(idea, "ret/"), NEW)
    assert response.status_code == 302
    html = main(client.get(idea_url(idea)))
    assert "Fællesspisning hver torsdag" in html
    assert "Redigeret" not in html
    with scope(municipality=challenge.municipality):
        idea.refresh_from_db()
        assert idea.edited_at is None
        # The first text is kept, and the edit is audited.
        kept = IdeaRevision.objects.get(idea=idea)
        assert (kept.title, kept.body) == ("En god idé", "Sådan gør vi det.")
        assert AuditEvent.objects.filter(action="idea.edited", target_id=str(idea.pk)).exists()


def test_an_edit_after_a_comment_is_marked_with_the_date(client, challenge, citizen, town_a):
    idea = add_idea(challenge, citizen)
    with scope(municipality=challenge.municipality):
        services.add_comment(idea, town_a.member, body="Hvem laver maden?")
    client.force_login(citizen)
    assert client.post(idea_url(idea, "ret/"), NEW).status_code == 302
    html = main(client.get(idea_url(idea)))
    assert f"Redigeret {today()}" in html
    # The list of ideas shows it too, and the author can read the earlier version.
    assert f"Redigeret {today()}" in main(client.get(url(challenge)))
    assert "1 tidligere version" in html and "Sådan gør vi det." in html
    # Others see the mark, not the earlier text.
    client.force_login(town_a.member)
    other = main(client.get(idea_url(idea)))
    assert f"Redigeret {today()}" in other and "Sådan gør vi det." not in other


def test_an_edit_after_the_idea_phase_is_refused_and_changes_nothing(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    with scope(municipality=challenge.municipality):
        services.set_phase(challenge, challenge.posed_by, Phase.PRIORITISATION)
    client.force_login(citizen)
    page = main(client.get(idea_url(idea, "ret/")))
    assert f"Idéfasen sluttede den {today()}, så idéerne kan ikke længere rettes." in page
    assert "Ret din idé" not in main(client.get(idea_url(idea)))
    response = client.post(idea_url(idea, "ret/"), NEW)
    assert response.status_code == 400
    assert "så idéerne kan ikke længere rettes" in main(response)
    api_response = client.put(api(idea), NEW, content_type="application/json")
    assert api_response.status_code == 400
    assert "så idéerne kan ikke længere rettes" in api_response.json()["detail"]
    with scope(municipality=challenge.municipality):
        idea.refresh_from_db()
        assert idea.title == "En god idé"
        assert not IdeaRevision.objects.exists()


def test_a_hidden_idea_cannot_be_edited(client, challenge, citizen, moderator):
    idea = add_idea(challenge, citizen)
    with scope(municipality=challenge.municipality):
        services.moderate(idea, moderator, visibility=Visibility.HIDDEN, reason="Personnavne.")
    client.force_login(citizen)
    assert "En moderator har skjult idéen" in main(client.get(idea_url(idea, "ret/")))
    response = client.post(idea_url(idea, "ret/"), NEW)
    assert "En moderator har skjult idéen, så den kan ikke rettes." in main(response)
    with scope(municipality=challenge.municipality):
        idea.refresh_from_db()
        assert (idea.title, idea.visibility) == ("En god idé", Visibility.HIDDEN)


def test_under_premoderation_an_edit_waits_for_a_moderator(client, challenge, citizen, moderator):
    with scopes_disabled():
        challenge.premoderation = True
        challenge.save()
    idea = add_idea(challenge, citizen)  # approved already (visible)
    client.force_login(citizen)
    response = client.post(idea_url(idea, "ret/"), NEW, follow=True)
    assert "Den vises igen, når en moderator har godkendt den." in response.content.decode()
    with scope(municipality=challenge.municipality):
        idea.refresh_from_db()
        assert idea.visibility == Visibility.PENDING
    client.force_login(moderator)
    queue = main(client.get(f"/kommuner/{challenge.municipality.slug}/moderation/"))
    assert "Fællesspisning hver torsdag" in queue
    assert "redigeret" in queue


def test_only_the_author_edits(client, challenge, citizen, town_a):
    idea = add_idea(challenge, citizen)
    client.force_login(town_a.member)
    assert "Ret din idé" not in main(client.get(idea_url(idea)))
    assert client.post(idea_url(idea, "ret/"), NEW).status_code == 403
    response = client.put(api(idea), NEW, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Du kan kun rette dine egne idéer."
    with scope(municipality=challenge.municipality):
        assert Idea.objects.get(pk=idea.pk).title == "En god idé"


def test_edit_over_the_api(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    response = client.put(api(idea), NEW, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["title"] == NEW["title"]
    too_long = client.put(
        api(idea), {"title": "Kort titel", "body": "x" * 5001}, content_type="application/json"
    )
    assert too_long.status_code == 400
    with scope(municipality=challenge.municipality):
        assert Idea.objects.get(pk=idea.pk).title == NEW["title"]


def test_over_long_text_says_the_limit_and_keeps_the_text(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    body = "Lang tekst. " * 500 + "Slut."  # 6.005 tegn
    response = client.post(idea_url(idea, "ret/"), {"title": "Ny titel her", "body": body})
    html = main(response)
    assert "må højst være 5.000 tegn – du har skrevet 6.005." in html
    assert "Lang tekst. Lang tekst." in html
    with scope(municipality=challenge.municipality):
        assert Idea.objects.get(pk=idea.pk).title == "En god idé"


# --- challenges ------------------------------------------------------------------------------


CHALLENGE = {
    "title": "Hvordan mindsker vi ensomhed blandt ældre i byen?",
    "description": "Nu også om byens nye seniorbolig.",
    "ideas_until": "",
    "prioritisation_until": "",
    "decision_on": "",
    "allow_pseudonyms": "on",
}


def test_poser_edits_a_published_challenge_with_a_visible_mark(client, challenge, town_a):
    client.force_login(town_a.owner)
    assert "Ret udfordringen" in main(client.get(url(challenge)))
    response = client.post(url(challenge, "ret/"), CHALLENGE)
    assert response.status_code == 302
    html = main(client.get(url(challenge)))
    assert "i byen?" in html and f"Redigeret {today()}" in html
    with scope(municipality=challenge.municipality):
        kept = ChallengeRevision.objects.get(challenge=challenge)
        assert kept.data["title"] == "Hvordan mindsker vi ensomhed blandt ældre?"
        assert AuditEvent.objects.filter(action="challenge.edited").exists()
    # The earlier version is listed for whoever runs the challenge.
    assert "Hvordan mindsker vi ensomhed blandt ældre?" in main(client.get(url(challenge, "ret/")))


def test_citizen_cannot_edit_a_challenge(client, challenge, citizen):
    client.force_login(citizen)
    assert "Ret udfordringen" not in main(client.get(url(challenge)))
    assert client.post(url(challenge, "ret/"), CHALLENGE).status_code == 403
    with scope(municipality=challenge.municipality):
        with pytest.raises(ServiceError):
            services.edit_challenge(challenge, citizen, title="Min titel?")
        challenge.refresh_from_db()
        assert challenge.title == "Hvordan mindsker vi ensomhed blandt ældre?"


def test_the_date_of_a_phase_that_has_run_stays(client, challenge, town_a):
    with scope(municipality=challenge.municipality):
        services.edit_challenge(challenge, town_a.owner, ideas_until=date(2026, 6, 1))
        services.set_phase(challenge, town_a.owner, Phase.PRIORITISATION)
        with pytest.raises(ServiceError, match="den fase allerede er slut"):
            services.edit_challenge(challenge, town_a.owner, ideas_until=date(2026, 7, 1))
        # A date still to come may change, and an edit of dates alone is not marked.
        services.edit_challenge(challenge, town_a.owner, prioritisation_until=date(2026, 9, 1))
        challenge.refresh_from_db()
        assert challenge.ideas_until == date(2026, 6, 1)
        assert challenge.prioritisation_until == date(2026, 9, 1)
        assert challenge.edited_at is None
    client.force_login(town_a.owner)
    # The form shows the date locked, and a posted value for it is ignored.
    form = main(client.get(url(challenge, "ret/")))
    assert "Fasen er slut, så datoen ligger fast." in form
    client.post(url(challenge, "ret/"), {**CHALLENGE, "ideas_until": "2026-12-24"})
    with scope(municipality=challenge.municipality):
        challenge.refresh_from_db()
        assert challenge.ideas_until == date(2026, 6, 1)


def test_challenge_dates_out_of_order_are_refused(challenge, town_a):
    with scope(municipality=challenge.municipality):
        with pytest.raises(ServiceError, match="rækkefølge"):
            services.edit_challenge(
                challenge,
                town_a.owner,
                ideas_until=date(2026, 9, 1),
                prioritisation_until=date(2026, 6, 1),
            )
        assert not ChallengeRevision.objects.exists()
