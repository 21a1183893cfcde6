"""The pages: tenancy, voting without JavaScript, statements, moderation, query budgets."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.opinions import services
from samskab.opinions.models import (
    Conversation,
    ModerationState,
    Statement,
    Vote,
)
from tests.conftest import make_person
from tests.helpers import assert_flat_query_count
from tests.opinions.conftest import make_conversation

pytestmark = pytest.mark.django_db


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def urls(conversation: Conversation) -> list[str]:
    base = conversation.get_absolute_url()
    return [base, conversation.get_map_url(), base + "moderation/"]


def test_another_municipalitys_conversation_is_404_like_a_missing_one(towns, client):
    a, b = towns
    theirs = make_conversation(b, space=b.staff_space)
    public = make_conversation(b)
    client.force_login(a.owner)  # even an administrator of A
    for url in urls(theirs):
        assert client.get(url).status_code == 404
    # B's public conversation is public under B's address, but never under A's.
    assert client.get(public.get_absolute_url()).status_code == 200
    for url in urls(public):
        assert client.get(url.replace(b.municipality.slug, a.municipality.slug)).status_code == 404
    # Under A's address with B's id: also 404, and the same page as a missing one.
    wrong = client.get(f"/kommuner/{a.municipality.slug}/samtaler/{theirs.pk}/")
    missing = client.get(f"/kommuner/{a.municipality.slug}/samtaler/999999/")
    assert wrong.status_code == missing.status_code == 404
    assert main(wrong) == main(missing)
    vote = client.post(
        f"/kommuner/{a.municipality.slug}/samtaler/{theirs.pk}/stem/",
        {"statement": 1, "value": "1"},
    )
    assert vote.status_code == 404


def test_conversation_in_a_staff_space_is_hidden_from_citizens(town_a, citizen, client):
    hidden = make_conversation(town_a, space=town_a.staff_space)
    client.force_login(citizen)
    for url in urls(hidden):
        assert client.get(url).status_code == 404
    client.force_login(town_a.member)
    assert client.get(hidden.get_absolute_url()).status_code == 200
    assert client.get(hidden.get_map_url()).status_code == 200


def test_anonymous_visitor_sees_the_statement_and_a_login_link(conversation, client):
    html = main(client.get(conversation.get_absolute_url()))
    assert "Der skal være flere bænke i byen." in html
    assert "Log ind for at stemme" in html
    assert 'name="value"' not in html


def test_voting_without_javascript(conversation, citizen, client):
    client.force_login(citizen)
    page = client.get(conversation.get_absolute_url())
    html = main(page)
    for label in ("Enig", "Uenig", "Spring over"):
        assert f">{label}</button>" in html
    statement = page.context["statement"]
    response = client.post(
        conversation.get_absolute_url() + "stem/",
        {"statement": statement.pk, "value": "1", "role": "borger"},
        follow=True,
    )
    assert "Din stemme er gemt" in main(response)
    with scope(municipality=conversation.municipality):
        vote = Vote.objects.get()
    assert (vote.statement_id, vote.value, vote.role) == (statement.pk, 1, "borger")
    assert response.context["statement"] != statement  # the next one
    assert "Dine stemmer" in main(response)


def test_htmx_vote_returns_only_the_card(conversation, citizen, client):
    client.force_login(citizen)
    statement = client.get(conversation.get_absolute_url()).context["statement"]
    response = client.post(
        conversation.get_absolute_url() + "stem/",
        {"statement": statement.pk, "value": "-1"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="stem"')
    assert "<html" not in html


def test_refused_vote_shows_the_message_and_changes_nothing(conversation, citizen, client):
    with scope(municipality=conversation.municipality):
        statement = Statement.objects.filter(conversation=conversation).first()
        services.close_conversation(conversation, conversation.created_by)
    client.force_login(citizen)
    response = client.post(
        conversation.get_absolute_url() + "stem/",
        {"statement": statement.pk, "value": "1"},
        follow=True,
    )
    assert "Samtalen er lukket" in main(response)
    with scope(municipality=conversation.municipality):
        assert not Vote.objects.exists()


def test_add_statement_keeps_the_text_on_error(conversation, citizen, client):
    client.force_login(citizen)
    url = conversation.get_absolute_url() + "udsagn/"
    typed = "Ring til 010190-1234 hvis du vil være med"
    response = client.post(url, {"text": typed})
    assert response.status_code == 400
    html = main(response)
    assert "CPR-nummer" in html and typed in html
    too_long = "a" * 300
    response = client.post(url, {"text": too_long})
    assert response.status_code == 400 and too_long in main(response)
    response = client.post(
        url, {"text": "<script>alert(1)</script> Flere bænke ved åen"}, follow=True
    )
    assert "Dit udsagn er med i samtalen" in main(response)
    with scope(municipality=conversation.municipality):
        assert Statement.objects.filter(text__startswith="<script>").count() == 1
        new = Statement.objects.get(text__startswith="<script>")
    # User text is escaped wherever it is shown.
    page = client.get(conversation.get_absolute_url() + f"?udsagn={new.pk}")
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert "&lt;script&gt;" in page.content.decode()


def test_moderator_approves_a_premoderated_statement(premoderated, citizen, moderator, client):
    client.force_login(citizen)
    response = client.post(
        premoderated.get_absolute_url() + "udsagn/",
        {"text": "Gratis kaffe i biblioteket"},
        follow=True,
    )
    assert "så snart en moderator har godkendt det" in main(response)
    with scope(municipality=premoderated.municipality):
        statement = Statement.objects.get(text="Gratis kaffe i biblioteket")
    assert client.get(premoderated.get_absolute_url() + "moderation/").status_code == 403
    client.force_login(moderator)
    queue = client.get(premoderated.get_absolute_url() + "moderation/")
    assert "Gratis kaffe i biblioteket" in main(queue)
    client.post(
        premoderated.get_absolute_url() + "moderation/",
        {"statement": statement.pk, "state": "1", "reason": ""},
    )
    statement.refresh_from_db()
    assert statement.moderation == ModerationState.IN


def test_facilitator_creates_and_closes_a_conversation(town_a, client):
    client.force_login(town_a.owner)
    url = f"/kommuner/{town_a.municipality.slug}/rum/{town_a.public_space.slug}/samtaler/ny/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"title": "", "moderation_mode": "pre", "statements": "Et\nTo"})
    assert bad.status_code == 200 and "Et\nTo" in main(bad)
    response = client.post(
        url,
        {
            "title": "Parkering",
            "question": "Hvad mener du?",
            "moderation_mode": "pre",
            "participants_can_add": "on",
            "statements": "Flere p-pladser\n\nFærre p-pladser\n",
        },
    )
    with scope(municipality=town_a.municipality):
        conversation = Conversation.objects.get(title="Parkering")
        assert conversation.statements.count() == 2
    assert response.url == conversation.get_absolute_url()
    client.post(conversation.get_absolute_url() + "aaben-luk/")
    conversation.refresh_from_db()
    assert not conversation.is_open
    client.post(conversation.get_absolute_url() + "aaben-luk/", {"open": "1"})
    conversation.refresh_from_db()
    assert conversation.is_open


def test_citizen_cannot_create_or_close(town_a, conversation, citizen, client):
    client.force_login(citizen)
    url = f"/kommuner/{town_a.municipality.slug}/rum/{town_a.public_space.slug}/samtaler/ny/"
    assert client.get(url).status_code == 403
    assert client.post(conversation.get_absolute_url() + "aaben-luk/").status_code == 403


def test_space_conversation_list_query_count_is_flat(town_a, client):
    url = f"/kommuner/{town_a.municipality.slug}/rum/{town_a.public_space.slug}/samtaler/"
    client.force_login(town_a.member)

    def fetch():
        response = client.get(url)
        assert response.status_code == 200
        return response

    def add(n):
        for i in range(n):
            make_conversation(town_a, title=f"Samtale {i}")

    assert_flat_query_count(fetch, add, more=5)


def test_conversation_page_query_count_is_flat_in_votes(conversation, citizen, client):
    client.force_login(citizen)
    statements = []

    def fetch():
        response = client.get(conversation.get_absolute_url())
        assert response.status_code == 200

    def add(n):
        with scope(municipality=conversation.municipality):
            for _ in range(n):
                statements.append(
                    services.add_statement(
                        conversation, conversation.created_by, text=f"Nr. {len(statements)}"
                    )
                )
            for s in statements:
                services.cast_vote(conversation, s, citizen, value=1)

    assert_flat_query_count(fetch, add, more=6)


def test_moderation_queue_query_count_is_flat(premoderated, moderator, client):
    client.force_login(moderator)
    url = premoderated.get_absolute_url() + "moderation/"

    def fetch():
        assert client.get(url).status_code == 200

    def add(n):
        with scope(municipality=premoderated.municipality), scopes_disabled():
            for i in range(n):
                author = make_person(f"forfatter{i}-{Statement.objects.count()}@test.dk")
                services.add_statement(premoderated, author, text=f"Forslag {i} {author.pk}")

    assert_flat_query_count(fetch, add, more=6)


def test_map_page_query_count_is_flat_in_participants(conversation, client):
    with scope(municipality=conversation.municipality):
        statements = list(Statement.objects.filter(conversation=conversation))

    def fetch():
        response = client.get(conversation.get_map_url())
        assert response.status_code == 200

    def add(n):
        with scope(municipality=conversation.municipality):
            for i in range(n):
                with scopes_disabled():
                    person = make_person(f"map{i}-{Vote.objects.count()}@test.dk")
                for j, s in enumerate(statements):
                    services.cast_vote(conversation, s, person, value=1 if (i + j) % 2 else -1)
            services.recompute(conversation)

    add(4)
    assert_flat_query_count(fetch, add, more=10)


def _votes_by_role(town, conversation, n: int, value) -> None:
    """n voters, citizens (odd i) and employees (even i), voting value(i, j) on statement j in
    id order; then the map is recomputed."""
    from samskab.accounts.models import Role
    from tests.conftest import give_role

    with scope(municipality=town.municipality):
        statements = list(Statement.objects.filter(conversation=conversation).order_by("id"))
        for i in range(n):
            with scopes_disabled():
                person = make_person(f"v{i}-{conversation.pk}@test.dk")
                give_role(person, town.municipality, Role.CITIZEN if i % 2 else Role.EMPLOYEE)
            for j, s in enumerate(statements):
                services.cast_vote(conversation, s, person, value=value(i, j))
        services.recompute(conversation)


def test_map_page_has_svg_table_groups_consensus_and_roles(town_a, client):
    conversation = make_conversation(town_a)

    def value(i: int, j: int) -> int:
        side = 1 if i < 12 else -1
        return 1 if j == 2 else (side if j == 0 else -side)

    _votes_by_role(town_a, conversation, 24, value)
    html = main(client.get(conversation.get_map_url()))
    assert '<svg viewBox="0 0 640 400"' in html
    assert '<title id="map-title">' in html and '<desc id="map-desc">' in html
    assert "Gruppe A" in html and "Gruppe B" in html
    assert "Meningsgrupperne i tal" in html
    assert "% enige" in html
    assert "Fælles grund" in html
    assert "Roller: borgere, medarbejdere og politikere" in html
    assert "Medarbejder" in html and "Borger" in html


def test_space_conversation_list_shows_counts_and_links(conversation, citizen, client):
    with scope(municipality=conversation.municipality):
        statement = Statement.objects.filter(conversation=conversation).first()
        services.cast_vote(conversation, statement, citizen, value=1)
    space = conversation.space
    html = main(
        client.get(f"/kommuner/{conversation.municipality.slug}/rum/{space.slug}/samtaler/")
    )
    assert conversation.title in html
    assert "3 udsagn · 1 deltager" in html
    assert conversation.get_map_url() in html


def test_operator_admin_pages(conversation, client):
    from samskab.accounts.models import User

    admin = User.objects.create_superuser("drift@test.dk", "correct horse battery")
    client.force_login(admin)
    assert client.get("/admin/opinions/conversation/").status_code == 200
    assert client.get(f"/admin/opinions/conversation/{conversation.pk}/change/").status_code == 200
    assert client.get("/admin/opinions/conversationanalysis/").status_code == 200


def test_conversation_page_links_its_challenge(town_a, client):
    from samskab.challenges.models import Challenge

    with scope(municipality=town_a.municipality):
        challenge = Challenge.objects.create(
            municipality=town_a.municipality, space=town_a.public_space, title="Bænke i byen"
        )
    conversation = make_conversation(town_a, challenge=challenge)
    html = main(client.get(conversation.get_absolute_url()))
    assert f'href="{challenge.get_absolute_url()}"' in html
    assert "Bænke i byen" in html


def test_pages_render_in_english_too(conversation, citizen, client):
    client.cookies["samskab_language"] = "en"
    client.force_login(citizen)
    for url in urls(conversation)[:2]:
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Content-Language"] == "en"


def test_the_roles_table_shows_where_roles_differ_most_and_says_how_many_are_left_out(
    town_a, client
):
    from samskab.opinions.presentation import ROLE_TABLE_ROWS

    n_statements = ROLE_TABLE_ROWS + 5
    conversation = make_conversation(
        town_a, statements=[f"Udsagn nummer {j}" for j in range(n_statements)]
    )
    # Citizens (odd i) and employees differ on the first statement only.
    _votes_by_role(town_a, conversation, 12, lambda i, j: (1 if i % 2 else -1) if j == 0 else 1)
    html = main(client.get(conversation.get_map_url()))
    table = html.split('id="roles-caption"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr>") == 1 + ROLE_TABLE_ROWS  # the header row, then the statements
    first_row = table.split("<tbody>", 1)[1]
    assert first_row.index("Udsagn nummer 0<") < first_row.index("Udsagn nummer 1<")
    assert "5 udsagn mere er ikke med." in html
