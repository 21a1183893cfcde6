"""`samskab move-to-postgres`: a laptop's SQLite data into an empty PostgreSQL database, losing
nothing (rows and a checksum per table compared), and the site runs on the copy."""

from __future__ import annotations

import pytest

from samskab.core.tables import differences, summarise, table_summaries
from tests.production.ops import (
    Browser,
    environment,
    need_postgres,
    new_database,
    python,
    samskab,
    served,
    summaries,
)

DEMO_PASSWORD = "samskab-demo"


def test_the_demo_moves_from_sqlite_to_postgres_with_every_row_and_the_site_runs_on_it(
    tmp_path,
):
    need_postgres()
    laptop = environment(tmp_path)  # the default: SQLite in the data folder
    samskab("migrate", "--no-input", "-v", "0", env=laptop)
    samskab("demo", env=laptop)
    before = summaries(laptop)
    assert before["opinions_vote"][0] > 0 and before["accounts_user"][0] > 0

    with new_database("move") as url:
        done = samskab("move-to-postgres", "--to", url, env=laptop)
        assert "Alt er flyttet" in done.stdout
        assert "Uploadede filer" in done.stdout  # says where the files stay
        moved = environment(tmp_path, url)
        assert summaries(moved) == before
        assert summaries(laptop) == before  # the laptop's file is untouched

        # The sequences go on after the highest copied key: a new row gets a new key.
        out = python(
            "from samskab.accounts.models import User\n"
            "top = max(User.objects.values_list('pk', flat=True))\n"
            "new = User.objects.create_user('ny@flyttet.test', 'en lang adgangskode')\n"
            "print(new.pk > top)",
            moved,
        )
        assert out.strip() == "True"

        with served(moved, "--no-worker") as base:
            browser = Browser()
            status, page, _ = browser.request(base + "/kommuner/roskilde/")
            assert status == 200 and "Ensomhed blandt ældre" in page
            status, _page, _ = browser.request(base + "/")
            assert status == 200
            login = base + "/konto/login/"
            assert browser.log_in(login, login, "borger@demo.samskab.dk", DEMO_PASSWORD) == 302
            status, page, _ = browser.request(base + "/mig/")
            assert status == 200

        # A second move into the same (now full) database is refused, and nothing changes.
        full = summaries(moved)
        again = samskab("move-to-postgres", "--to", url, env=laptop, check=False)
        assert again.returncode == 1
        assert "er ikke tom" in again.stderr and "Intet er ændret" in again.stderr
        assert summaries(moved) == full


def test_the_move_refuses_a_target_that_is_not_postgresql(tmp_path):
    laptop = environment(tmp_path)
    samskab("migrate", "--no-input", "-v", "0", env=laptop)
    done = samskab("move-to-postgres", "--to", "mysql://x@y/z", env=laptop, check=False)
    assert done.returncode == 1
    assert "PostgreSQL" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.django_db
def test_a_changed_value_or_a_missing_row_changes_the_checksum(kommuner):
    from samskab.municipalities.models import Municipality

    first = summarise(Municipality, "default")
    assert first.rows == 98
    same = summarise(Municipality, "default")
    assert same == first

    Municipality.objects.filter(code="0101").update(name="København ")
    changed = summarise(Municipality, "default")
    assert changed.rows == first.rows and changed.checksum != first.checksum

    all_tables = table_summaries()
    assert "municipalities_municipality" in all_tables and "django_session" in all_tables
    Municipality.objects.filter(code="0101").delete()
    assert differences(all_tables, table_summaries()) == ["municipalities_municipality"]
