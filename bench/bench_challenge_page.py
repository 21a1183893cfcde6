"""Server time of the challenge page with 1,000 ideas and 10,000 comments (issue: ≤100 ms p95).

Run from the repo root, once per database:

    .venv/bin/python bench/bench_challenge_page.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_challenge_page.py

It builds a throwaway test database, fills one challenge, then times Django's full request
cycle (middleware, views, templates) through the test client, which is the server's own time
without network. It also reports the query count of each page.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samskab.settings")
os.environ.setdefault("SAMSKAB_DATA_DIR", "var/bench")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

N_IDEAS, N_COMMENTS, N_PEOPLE, RUNS = 1000, 10_000, 200, 60


def fill() -> tuple[str, str]:
    from samskab.accounts.models import Membership, User
    from samskab.challenges import services
    from samskab.challenges.models import Comment, Idea, Support
    from samskab.municipalities import services as m_services
    from samskab.municipalities.data import load_municipalities
    from samskab.municipalities.models import Municipality

    load_municipalities(Municipality)
    rng = random.Random(1)
    with scopes_disabled():
        municipality = Municipality.objects.get(code="0265")
        people = User.objects.bulk_create(
            User(email=f"p{i}@bench.dk", display_name=f"Person {i}") for i in range(N_PEOPLE)
        )
        Membership.objects.create(municipality=municipality, person=people[0], role="administrator")
        movement = m_services.open_movement(municipality, people[0], title="Bench")
        space = m_services.create_space(movement, people[0], title="Rum")
        challenge = services.pose_challenge(space, people[0], title="Udfordring?")
        ideas = Idea.objects.bulk_create(
            Idea(
                municipality=municipality,
                challenge=challenge,
                author=rng.choice(people),
                title=f"Idé nummer {i} om fællesskab",
                body="Tekst " * 40,
                support_count=rng.randint(0, 50),
                comment_count=10,
            )
            for i in range(N_IDEAS)
        )
        Comment.objects.bulk_create(
            Comment(
                municipality=municipality,
                idea=ideas[i % N_IDEAS],
                author=rng.choice(people),
                body="En kommentar med lidt tekst i.",
            )
            for i in range(N_COMMENTS)
        )
        Support.objects.bulk_create(
            Support(municipality=municipality, idea=idea, person=people[1]) for idea in ideas[:300]
        )
        # A second challenge with 10,000 ideas for the similar-ideas box (≤ 50 ms target).
        big = services.pose_challenge(space, people[0], title="Stor udfordring?")
        words = [
            "ældre",
            "fællesskab",
            "spisning",
            "cykel",
            "klima",
            "regnvand",
            "unge",
            "fritid",
            "bibliotek",
            "skole",
            "forening",
            "nabo",
            "gåtur",
            "besøgsven",
            "værksted",
        ]
        Idea.objects.bulk_create(
            Idea(
                municipality=municipality,
                challenge=big,
                author=rng.choice(people),
                title=" ".join(rng.choices(words, k=5)),
                body=" ".join(rng.choices(words, k=50)),
            )
            for _ in range(10_000)
        )
    return challenge.get_absolute_url(), ideas[0].get_absolute_url(), big.get_absolute_url()


def time_page(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    samples.sort()
    return (
        statistics.median(samples),
        samples[int(0.95 * len(samples)) - 1],
        len(ctx.captured_queries),
    )


def main() -> None:
    setup_test_environment()
    if connection.vendor == "postgresql":
        # Its own database, so a test run on the same server does not collide with it.
        connection.settings_dict["TEST"]["NAME"] = "test_samskab_bench"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        challenge_url, idea_url, big_url = fill()
        from samskab.accounts.models import User

        client = Client()
        client.force_login(User.objects.get(email="p1@bench.dk"))
        vendor = connection.vendor
        print("| page | database | p50 ms | p95 ms | queries |")
        print("|---|---|---:|---:|---:|")
        for name, url in [
            (f"challenge, {N_IDEAS} ideas / {N_COMMENTS} comments (page 1)", challenge_url),
            ("challenge, most supported first", challenge_url + "?sorter=mest-stoettede"),
            ("idea with 10 comments", idea_url),
            (
                "similar ideas while typing, 10,000 ideas",
                big_url + "lignende/?title=f%C3%A6llesskab+for+%C3%A6ldre&body=spisning+med+naboer",
            ),
        ]:
            p50, p95, queries = time_page(client, url)
            print(f"| {name} | {vendor} | {p50:.1f} | {p95:.1f} | {queries} |")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    sys.exit(main())
