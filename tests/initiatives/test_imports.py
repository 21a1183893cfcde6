"""Importing initiatives: the export's format back in, thousands of rows as a background task,
each refused row reported with its number and a Danish reason, nothing stored unless chosen."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope

from samskab.initiatives import services
from samskab.initiatives.models import Initiative, Status

pytestmark = pytest.mark.django_db

FIELDS = ("title", "purpose", "target_group", "status", "progress", "starts_on", "ends_on")


def import_url(world) -> str:
    return reverse("initiatives:import", args=[world.municipality.slug])


def csv_file(lines: list[list[str]], name: str = "initiativer.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["titel", "formål", "målgruppe", "rum", "status", "fremdrift (%)", "start", "slut"]
    )
    writer.writerows(lines)
    return SimpleUploadedFile(name, ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv")


def post(client, world, upload, *, valid_only: bool = False):
    data = {"file": upload, "space": str(world.town.public_space.pk)}
    if valid_only:
        data["valid_only"] = "on"
    return client.post(import_url(world), data)


def snapshot(initiatives) -> list[tuple]:
    return sorted(tuple(getattr(i, f) for f in FIELDS) + (i.space_id,) for i in initiatives)


def test_two_thousand_rows_import(world, client):
    client.force_login(world.facilitator)
    lines = [
        [f"Initiativ {n}", "Formål", "Ældre", "", "I gang" if n % 2 else "", "", "2026-01-01", ""]
        for n in range(2000)
    ]
    response = post(client, world, csv_file(lines))
    assert response.status_code == 200, response.content[:2000]
    assert "2000 initiativer er oprettet." in response.content.decode()
    with scope(municipality=world.municipality):
        made = Initiative.objects.filter(title__startswith="Initiativ ")
        assert made.count() == 2000
        assert made.filter(status=Status.STARTED, progress=25).count() == 1000


def test_a_malformed_row_is_reported_and_nothing_is_stored(world, client):
    client.force_login(world.facilitator)
    lines = [
        ["God række", "", "", "", "", "", "", ""],
        ["Dårlig dato", "", "", "", "", "", "32-13-2026", ""],
        ["", "Uden titel", "", "", "", "", "", ""],
        ["Forkert status", "", "", "", "Flyvende", "", "", ""],
        ["Bagvendt", "", "", "", "", "", "2026-05-01", "2026-01-01"],
        ["Ukendt rum", "", "", "findes-ikke", "", "", "", ""],
        ["For meget", "", "", "", "", "101", "", ""],
    ]
    response = post(client, world, csv_file(lines))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Intet er gemt" in html
    for number, reason in [
        (3, "Start »32-13-2026« er ikke en dato. Skriv fx 2026-03-01."),
        (4, "Titlen mangler."),
        (5, "Status »Flyvende« findes ikke."),
        (6, "Slutdatoen ligger før startdatoen."),
        (7, "Rummet »findes-ikke« findes ikke, eller du må ikke oprette initiativer i det."),
        (8, "Fremdriften skal være et helt tal fra 0 til 100."),
    ]:
        assert f'<th scope="row">{number}</th><td>{reason}</td>' in html
    with scope(municipality=world.municipality):
        assert not Initiative.objects.filter(title="God række").exists()
    # Choosing "import the valid rows" stores the good one and reports the rest.
    again = post(client, world, csv_file(lines), valid_only=True)
    assert again.status_code == 200
    assert "1 initiativ er oprettet." in again.content.decode()
    with scope(municipality=world.municipality):
        assert Initiative.objects.filter(title="God række").count() == 1


def test_a_file_that_is_not_a_table(world, client):
    client.force_login(world.facilitator)
    latin1 = SimpleUploadedFile("x.csv", "titel\nÆble".encode("latin-1"), "text/csv")
    response = post(client, world, latin1)
    assert response.status_code == 400
    assert "»CSV UTF-8«" in response.content.decode()
    broken = SimpleUploadedFile("x.json", b'{"initiatives": [', "application/json")
    response = post(client, world, broken)
    assert response.status_code == 400
    assert "Filen er ikke gyldig JSON" in response.content.decode()
    headless = SimpleUploadedFile("x.csv", b"navn;by\nA;B\n", "text/csv")
    assert "Filen mangler kolonnen »titel«." in post(client, world, headless).content.decode()


def test_round_trip_csv_and_json_give_the_same_data(world, client):
    with scope(municipality=world.municipality):
        services.create_initiative(
            world.facilitator,
            space=world.town.public_space,
            title='=SUM(1;2) "citat"; semikolon',
            purpose="Første linje\nAnden linje med æøå",
            target_group="Børn; unge",
            starts_on=date(2026, 2, 1),
            ends_on=date(2026, 11, 30),
        )
        moved = services.create_initiative(
            world.facilitator, space=world.town.staff_space, title="Intern"
        )
        services.set_status(moved, world.facilitator, status=Status.ADVANCED, progress=80)
        before = snapshot(Initiative.objects.all())
    client.force_login(world.facilitator)
    for fmt in ("initiativer.csv", "json"):
        body = client.get(reverse("initiatives:export", args=[world.municipality.slug, fmt]))
        with scope(municipality=world.municipality):
            Initiative.objects.all().delete()
        upload = SimpleUploadedFile(f"eksport.{fmt}", body.content, "text/plain")
        response = post(client, world, upload)
        assert response.status_code == 200, response.content.decode()[-3000:]
        with scope(municipality=world.municipality):
            assert snapshot(Initiative.objects.all()) == before, fmt


def test_importing_needs_the_right_to_create(world, client):
    client.force_login(world.citizen)
    assert client.get(import_url(world)).status_code == 403
    lines = [["Nej", "", "", "", "", "", "", ""]]
    assert post(client, world, csv_file(lines)).status_code == 403
    with scope(municipality=world.municipality):
        assert not Initiative.objects.filter(title="Nej").exists()


def test_a_queued_import_reports_when_the_worker_has_run(world, client, settings):
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client.force_login(world.facilitator)
    lines = [["Først", "", "", "", "", "", "", ""], ["Så", "", "", "", "", "", "", ""]]
    response = post(client, world, csv_file(lines))
    assert response.status_code == 302
    report = response["Location"]
    assert "Importen kører stadig." in client.get(report).content.decode()
    # What `manage.py db_worker` does for each queued task (without closing the test's
    # database connection, as the command's loop does).
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
    )
    (queued,) = DBTaskResult.objects.all()
    worker.run_task(queued)
    assert "2 initiativer er oprettet." in client.get(report).content.decode()
    with scope(municipality=world.municipality):
        assert Initiative.objects.filter(title__in=["Først", "Så"]).count() == 2
    # The report is the importer's own: anyone else, or a made-up id, gets a 404.
    client.force_login(world.leader)
    assert client.get(report).status_code == 404
    assert client.get(import_url(world) + "ikke-et-id/").status_code == 404
