"""The big screen with many items: 40 statements, 30 ideas, 30 reflection answers, each as long
as it may be. At 1920 × 1080 and 1280 × 720 the board shows the top items that fit and says how
many more there are ("+ K flere"), with no scrolling and nothing outside the screen."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_scopes import scope, scopes_disabled

from samskab.challenges.models import Idea
from samskab.demo.content import load_demo
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from samskab.opinions.models import ModerationState, Statement
from samskab.workshops import board, services
from samskab.workshops.demo import DEMO_CODE
from samskab.workshops.models import Activity, ActivityKind, LiveSession
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_big_screen import MIN_FONT_PX, SIZES, _inside, _png_size
from tests.e2e.test_foundation import log_in

N_STATEMENTS = 40
N_IDEAS = 30
N_ANSWERS = 30
# Long words and long texts: the longest a statement, an idea's title and an answer may be.
WORDS = "Fællesskabet omkring biblioteket og medborgerhuset skal styrkes med aftenåbent "


def _long(n: int, limit: int) -> str:
    return (f"{n}. " + WORDS * 20)[:limit].strip()


@pytest.fixture
def many(transactional_db, live_server):
    load_municipalities(Municipality)
    load_demo()
    municipality = Municipality.objects.get(code="0265")
    with scope(municipality=municipality):
        session = LiveSession.objects.select_related("challenge").get(code=DEMO_CODE)
        activities = {a.kind: a for a in Activity.objects.filter(session=session)}
        statements = activities[ActivityKind.STATEMENTS]
        already = Statement.objects.filter(conversation=statements.conversation).count()
        Statement.objects.bulk_create(
            Statement(
                municipality=municipality,
                conversation=statements.conversation,
                text=_long(n, 280),
                moderation=ModerationState.IN,
            )
            for n in range(N_STATEMENTS - already)
        )
        author = session.challenge.ideas.first().author
        Idea.objects.bulk_create(
            Idea(
                municipality=municipality,
                challenge=session.challenge,
                author=author,
                title=_long(n, 150),
                body="…",
            )
            for n in range(N_IDEAS)
        )
        reflection = activities[ActivityKind.REFLECTION]
        LiveSession.objects.filter(pk=session.pk).update(current=reflection)
        session.refresh_from_db()
        people = []
        for n in range(N_ANSWERS):
            participant = services.join(session, AnonymousUser(), pseudonym=f"Deltager {n}")
            participant.session = session
            people.append(participant)
            services.answer(
                reflection,
                participant,
                {"text": _long(n, 1000), "visibility": "shared" if n % 2 else "anonymous"},
            )
        # The longest statements get the most answers, so they are the ones on the screen.
        LiveSession.objects.filter(pk=session.pk).update(current=statements)
        longest = Statement.objects.filter(conversation=statements.conversation).order_by("-id")
        for statement in longest[: board.STATEMENTS_SHOWN]:
            for participant in people[:5]:
                services.answer(statements, participant, {"statement": statement.pk, "value": 1})
        n_ideas = Idea.objects.filter(challenge=session.challenge, visibility="visible").count()
        n_statements = Statement.objects.filter(conversation=statements.conversation).count()
    return {
        "url": f"{live_server.url}/kommuner/roskilde/workshop/{session.pk}/storskaerm/",
        "session": session.pk,
        "activities": activities,
        # What each board has that does not fit, as the "+ K flere" line says it.
        "more": {
            ActivityKind.STATEMENTS: (
                "statement",
                board.STATEMENTS_SHOWN,
                f"+ {n_statements - board.STATEMENTS_SHOWN} udsagn mere",
            ),
            ActivityKind.PAIRWISE: (
                "pairwise-row",
                board.IDEAS_SHOWN,
                f"+ {n_ideas - board.IDEAS_SHOWN} idéer mere",
            ),
            ActivityKind.REFLECTION: (
                "reflection-answer",
                board.ANSWERS_SHOWN,
                f"+ {N_ANSWERS - board.ANSWERS_SHOWN} svar mere",
            ),
        },
    }


MEASURE = """() => {
    const box = r => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
    const items = [...document.querySelectorAll(
            'main p, main h1, main h2, main li, main tr, main caption, main table')]
        .filter(e => e.innerText.trim()).map(e => ({
            text: e.innerText.trim().slice(0, 40), box: box(e.getBoundingClientRect()),
            px: parseFloat(getComputedStyle(e).fontSize)}));
    const d = document.documentElement;
    return {items, scrollWidth: d.scrollWidth, scrollHeight: d.scrollHeight};
}"""


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_each_board_with_many_items_fits_the_screen(browser, many, width, height):
    context = browser.new_context(locale="da-DK", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    viewport = {"left": 0, "top": 0, "right": width, "bottom": height}
    try:
        log_in(page, many["url"].split("/kommuner/")[0], "facilitator")
        for kind, (testid, shown, more) in many["more"].items():
            activity = many["activities"][kind]
            with scopes_disabled():
                LiveSession.objects.filter(pk=many["session"]).update(current=activity)
            page.goto(many["url"])
            page.get_by_test_id("board-more").filter(has_text=more).wait_for()
            assert page.get_by_test_id(testid).count() == shown, kind
            found = page.evaluate(MEASURE)
            assert found["scrollWidth"] <= width, (kind, found["scrollWidth"])
            assert found["scrollHeight"] <= height, (kind, found["scrollHeight"])
            for element in found["items"]:
                assert _inside(element["box"], viewport), (kind, element)
                assert element["px"] >= MIN_FONT_PX, (kind, element)
            assert _png_size(page.screenshot(full_page=True)) == (width, height), kind
            assert_accessible(page)
    finally:
        context.close()
