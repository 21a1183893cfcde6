"""Importing initiatives: the export's format back in, thousands of rows as a background task,
each refused row reported with its number and a Danish reason, nothing stored unless chosen."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope

from samskab.accounts.models import Affiliation, OrganisationKind, Role
from samskab.initiatives import services
from samskab.initiatives.exports import export_data
from samskab.initiatives.imports import run_import
from samskab.initiatives.models import (
    BudgetLine,
    Commitment,
    Initiative,
    Partner,
    Status,
    WorkPart,
)
from tests.conftest import give_role
from tests.initiatives.conftest import organisation
from tests.initiatives.test_views import RULE, with_economy

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


# --- every table of the export -----------------------------------------------------------------


def _normal(data: dict, initiative_ids: set[int]) -> dict:
    """The tables of these initiatives with every id replaced by its place in the table, so
    two copies in different municipalities compare equal."""
    initiatives = [r for r in data["initiatives"] if r["id"] in initiative_ids]
    place = {
        table: {r["id"]: n for n, r in enumerate(rows)}
        for table, rows in data.items()
        if rows and "id" in rows[0]
    }
    place["initiatives"] = {r["id"]: n for n, r in enumerate(initiatives)}
    links = {"initiative_id": "initiatives", "parent_id": "initiatives", "partner_id": "partners"}
    found = {}
    for table, rows in data.items():
        kept = []
        for row in rows:
            key = row["id"] if table == "initiatives" else row["initiative_id"]
            if key not in initiative_ids:
                continue
            row = dict(row)
            row.pop("organisation_id", None)
            row.pop("challenge_id", None)  # the import does not tie to another town's challenge
            # A sign-off is someone else's act: it comes back as a note, not as a sign-off.
            for column in ("signed_off", "signed_off_by", "signed_off_on"):
                row.pop(column, None)
            if "id" in row:
                row["id"] = place.get(table, {}).get(row["id"])
            for column, target in links.items():
                if row.get(column) is not None:
                    row[column] = place[target].get(row[column])
            kept.append(row)
        found[table] = kept
    return found


def _full_world(world):

    made = with_economy(world)
    with scope(municipality=world.municipality):
        services.record_actual(made["hours"], world.chair, quantity=Decimal("30"))
        services.commit(
            world.initiative,
            world.chair,
            partner=world.club,
            kind="in_kind",
            quantity=Decimal("1500.50"),
            valuation_rule=RULE,
        )
        withdrawn = services.commit(
            world.initiative, world.owner, partner=world.firm, kind="money", quantity=Decimal("99")
        )
        services.withdraw_commitment(withdrawn, world.owner, reason="Fortrudt")
        services.set_part(
            world.initiative,
            world.facilitator,
            title="Madlavning",
            assignments={world.club: "responsible", world.municipal: "adviser"},
        )
        services.set_part(
            world.initiative,
            world.facilitator,
            title="Lokaler",
            assignments={world.municipal: "responsible", world.firm: "informed"},
        )
        child = services.create_initiative(
            world.facilitator,
            space=world.town.public_space,
            title="Underinitiativ",
            parent=world.initiative,
        )
        return list(Initiative.objects.filter(pk__in=[world.initiative.pk, child.pk]))


def _other_town(world):
    """Town B with the same organisations, people and rights, for the facilitator to import."""
    other = world.other
    with scope(municipality=other.municipality):
        give_role(world.facilitator, other.municipality, Role.FACILITATOR)
        organisation(other, "Ældre og Sundhed", OrganisationKind.DEPARTMENT, world.clerk)
        for name, kind, member in [
            ("Fælles Fodslag", OrganisationKind.ASSOCIATION, world.chair),
            ("Fjordens Cykler", OrganisationKind.BUSINESS, world.owner),
        ]:
            org = organisation(other, name, kind, member)
            Affiliation.objects.create(
                municipality=other.municipality, person=world.facilitator, organisation=org
            )
    return other


def test_round_trip_of_every_table_into_another_municipality(world):

    initiatives = _full_world(world)
    with scope(municipality=world.municipality):
        before = export_data(initiatives)
    assert len(before["commitments"]) == 4 and len(before["responsibilities"]) == 4
    text = json.dumps(before, ensure_ascii=False)
    other = _other_town(world)
    text = text.replace(
        f'"space": "{world.town.public_space.slug}"', f'"space": "{other.public_space.slug}"'
    )
    with scope(municipality=other.municipality):
        report = run_import(
            other.municipality, world.facilitator, other.public_space, text, valid_only=False
        )
        assert report["refused"] == [] and report["stored"], report
        assert report["counts"] == {
            "initiatives": 2,
            "budget_lines": 1,
            "partners": 3,
            "responsibilities": 4,
            "commitments": 4,
        }
        copied = list(Initiative.objects.filter(municipality=other.municipality))
        after = export_data(copied)
    expected = _normal(before, {i.pk for i in initiatives})
    for row in expected["initiatives"]:
        row["space"] = other.public_space.slug
    assert _normal(after, {i.pk for i in copied}) == expected


def test_round_trip_of_each_csv_table(world, client):
    """The CSV tables one at a time: each refers to the rows already imported by their ids."""
    initiatives = _full_world(world)
    client.force_login(world.facilitator)
    files = {}
    for name in ("budget.csv", "partnere.csv", "ansvar.csv", "tilsagn.csv"):
        url = reverse("initiatives:export", args=[world.municipality.slug, name])
        files[name] = client.get(url).content
    with scope(municipality=world.municipality):
        for org in (world.association, world.business):
            Affiliation.objects.create(
                municipality=world.municipality, person=world.facilitator, organisation=org
            )
        copy = services.create_initiative(
            world.facilitator, space=world.town.public_space, title="Kopi"
        )
    # In the same municipality the initiatives keep their challenge and what they are part of.
    body = client.get(
        reverse("initiatives:export", args=[world.municipality.slug, "initiativer.csv"])
    ).content
    response = post(client, world, SimpleUploadedFile("initiativer.csv", body, "text/csv"))
    assert "3 initiativer er oprettet." in response.content.decode()  # with the copy
    with scope(municipality=world.municipality):
        again = Initiative.objects.filter(title="Underinitiativ").order_by("pk").last()
        assert again.parent.title == "Spisefællesskaber"
        assert again.parent.pk != world.initiative.pk
        assert again.parent.challenge == world.challenge
    # The budget and partners go into the copy; its own rows then refer to them.
    for name in ("budget.csv", "partnere.csv"):
        body = files[name].decode("utf-8-sig").replace(f";{world.initiative.pk};", f";{copy.pk};")
        upload = SimpleUploadedFile(name, body.encode("utf-8-sig"), "text/csv")
        response = post(client, world, upload)
        assert response.status_code == 200, response.content.decode()[-3000:]
    with scope(municipality=world.municipality):
        assert copy.budget_lines.count() == 1
        assert copy.partners.count() == 3
        assert initiatives  # the originals are untouched
    refused = post(
        client, world, SimpleUploadedFile("tilsagn.csv", files["tilsagn.csv"], "text/csv")
    )
    # The original initiative's commitments refer to its own partners: accepted there too.
    assert refused.status_code == 200, refused.content.decode()[-3000:]
    assert "Tilsagn: 4." in refused.content.decode()
    parts = post(client, world, SimpleUploadedFile("ansvar.csv", files["ansvar.csv"], "text/csv"))
    assert parts.status_code == 200, parts.content.decode()[-3000:]
    assert "Ansvarsrækker: 4." in parts.content.decode()


def _file(**tables) -> str:
    return json.dumps({k: v for k, v in tables.items()}, ensure_ascii=False)


def test_malformed_rows_of_every_table_are_refused_and_nothing_is_stored(world):

    with scope(municipality=world.municipality):
        Affiliation.objects.create(
            municipality=world.municipality,
            person=world.facilitator,
            organisation=world.association,
        )
    i = {"id": 1, "title": "Nyt", "space": world.town.public_space.slug}
    email = world.author.email  # a person taking part on their own, and their own contact
    hours = {
        "initiative_id": 1,
        "partner_id": 10,
        "kind": "hours",
        "planned_quantity": "10",
        "valuation_rule": "Erstatningsværdi",
    }
    text = _file(
        initiatives=[i],
        budget_lines=[
            {"id": 5, "initiative_id": 1, "title": "Mad", "amount": "1000.00"},
            {"id": 6, "initiative_id": 1, "title": "Alt", "amount": "2000000000.00"},
        ],
        partners=[
            {"id": 10, "initiative_id": 1, "name": "Fælles Fodslag", "contact": ""},
            {"id": 11, "initiative_id": 1, "name": "Fjordens Cykler", "contact": "Owner-Biz"},
            {"id": 12, "initiative_id": 1, "name": "Findes Ikke A/S", "contact": ""},
            {"id": 13, "initiative_id": 1, "name": "Ældre og Sundhed", "contact": "x@y.test"},
            {"id": 14, "initiative_id": 1, "name": email, "contact": email},
        ],
        responsibilities=[
            {"initiative_id": 1, "part": "To", "partner_id": 10, "role": "responsible"},
            {"initiative_id": 1, "part": "To", "partner_id": 11, "role": "Ansvarlig"},
            {"initiative_id": 1, "part": "Ingen", "partner_id": 10, "role": "adviser"},
            {"initiative_id": 1, "part": "God", "partner_id": 10, "role": "Ansvarlig"},
        ],
        commitments=[
            {**hours, "hour_rate": "250.00", "budget_line": "Mad"},
            {**hours, "hour_rate": "0"},
            {**hours, "hour_rate": "100000"},
            {**hours, "partner_id": 11, "hour_rate": "250"},
            {**hours, "kind": "money", "planned_quantity": "1000000001"},
            {**hours, "kind": "flyvende", "hour_rate": "250"},
            {**hours, "partner_id": 12, "hour_rate": "250"},
        ],
    )
    with scope(municipality=world.municipality):
        report = run_import(
            world.municipality,
            world.facilitator,
            world.town.public_space,
            text,
            valid_only=False,
        )
        reasons = {(r["table"], r["row"]): r["reason"] for r in report["refused"]}
        assert not report["stored"]
        assert not Initiative.objects.filter(title="Nyt").exists()
        assert not BudgetLine.objects.filter(title="Mad").exists()
    assert reasons == {
        ("Budgetposter", 2): "Beløbet må højst være 1 mia. kr. Tjek, om der er et 0 for meget.",
        ("Partnere", 3): "Organisationen »Findes Ikke A/S« findes ikke i kommunen. En person, "
        "der deltager på egen hånd, skrives med sin e-mail.",
        ("Partnere", 4): "Der er ingen bruger med e-mailen »x@y.test«.",
        ("Ansvar", 1): "En del kan kun have én ansvarlig. Du har valgt 2. "
        "(delen »To«, rækkerne 1, 2)",
        ("Ansvar", 2): "En del kan kun have én ansvarlig. Du har valgt 2. "
        "(delen »To«, rækkerne 1, 2)",
        ("Ansvar", 3): "Vælg én ansvarlig for delen. (delen »Ingen«, rækkerne 3)",
        ("Tilsagn", 2): "Timeprisen skal ligge mellem 1,00 og 10.000,00 kr.",
        ("Tilsagn", 3): "Timeprisen skal ligge mellem 1,00 og 10.000,00 kr.",
        ("Tilsagn", 4): "Du kan kun give tilsagn på vegne af en organisation, du er tilknyttet.",
        ("Tilsagn", 5): "Beløbet må højst være 1 mia. kr. Tjek, om der er et 0 for meget.",
        ("Tilsagn", 6): "Vælg, om tilsagnet er kroner, timer, lokaler eller naturalier.",
        ("Tilsagn", 7): "Partneren 12 i filen blev afvist, så rækken kan ikke gemmes.",
    }
    # "Import the valid rows": only those, and only where what they refer to is valid.
    with scope(municipality=world.municipality):
        report = run_import(
            world.municipality,
            world.facilitator,
            world.town.public_space,
            text,
            valid_only=True,
        )
        assert report["stored"] and len(report["refused"]) == 12
        assert report["counts"] == {
            "initiatives": 1,
            "budget_lines": 1,
            "partners": 3,
            "responsibilities": 1,
            "commitments": 1,
        }
        made = Initiative.objects.get(title="Nyt")
        assert list(WorkPart.objects.filter(initiative=made).values_list("title", flat=True)) == [
            "God"
        ]
        assert Partner.objects.filter(initiative=made).count() == 3
        assert Partner.objects.get(initiative=made, person=world.author).contact == world.author
        (kept,) = Commitment.objects.filter(initiative=made)
        assert kept.budget_line.title == "Mad" and kept.partner.organisation == world.association


def test_a_row_referring_to_another_municipality_is_refused(world):

    text = _file(partners=[{"initiative_id": world.initiative.pk, "name": "Aarhus Forening"}])
    other = world.other
    with scope(municipality=other.municipality):
        report = run_import(
            other.municipality, world.facilitator, other.public_space, text, valid_only=False
        )
    assert report["refused"] == [
        {
            "table": "Partnere",
            "row": 1,
            "reason": f"Initiativet »{world.initiative.pk}« findes ikke.",
        }
    ]


def test_a_danish_hour_rate_of_100_000_in_csv_is_refused_on_the_report_page(world, client):
    with scope(municipality=world.municipality):
        Affiliation.objects.create(
            municipality=world.municipality,
            person=world.facilitator,
            organisation=world.association,
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(
        ["initiativ", "partner", "type", "planlagt mængde", "timepris (kr.)", "værdiansættelse"]
    )
    club, pk = world.club.pk, world.initiative.pk
    writer.writerow([pk, club, "Timer", "10", "100.000", "Erstatningsværdi"])
    writer.writerow([pk, club, "Timer", "7,5", "250,00", "Erstatningsværdi"])
    writer.writerow([pk, club, "Kroner", "1.234,50", "", ""])
    upload = SimpleUploadedFile(
        "tilsagn.csv", ("\ufeff" + out.getvalue()).encode("utf-8"), "text/csv"
    )
    client.force_login(world.facilitator)
    response = post(client, world, upload)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Intet er gemt" in html
    assert (
        '<th scope="row">2</th><td>Timeprisen skal ligge mellem 1,00 og 10.000,00 kr.</td>'
        "<td>Tilsagn</td>"
    ) in html
    with scope(municipality=world.municipality):
        assert not Commitment.objects.filter(initiative=world.initiative).exists()
    upload.seek(0)
    assert post(client, world, upload, valid_only=True).status_code == 200
    with scope(municipality=world.municipality):
        made = services.economy(world.initiative)
        assert made.committed == Decimal("1875.00") + Decimal("1234.50")


def test_a_sign_off_is_exported_and_comes_back_as_a_note_not_a_sign_off(world, client):
    """The export says who approved a commitment and when. The import cannot verify that
    person (a public name, from a file anyone may edit), so it keeps it as a note in the
    commitment's history, and a leader in the other municipality must approve it again."""
    from samskab.initiatives.models import CommitmentEntry, EntryAction

    initiatives = _full_world(world)
    with scope(municipality=world.municipality):
        signed = (
            Commitment.objects.filter(initiative=world.initiative, kind="money", partner=world.firm)
            .order_by("pk")
            .first()
        )
        services.sign_off_commitment(signed, world.leader)
        before = export_data(initiatives)
    (row,) = [r for r in before["commitments"] if r["id"] == signed.pk]
    assert (row["signed_off"], row["signed_off_by"]) == (True, world.leader.public_name)
    assert row["signed_off_on"] == timezone.localdate().isoformat()
    assert [r["signed_off"] for r in before["commitments"]].count(True) == 1
    # The whole export, over the API, into another municipality.
    other = _other_town(world)
    for table in before["initiatives"]:
        table["space"] = other.public_space.slug
    client.force_login(world.facilitator)
    response = client.post(
        f"/api/municipalities/{other.municipality.code}/initiatives/import",
        {"space": other.public_space.slug, **before},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2
    with scope(municipality=other.municipality):
        copied = (
            Commitment.objects.filter(
                municipality=other.municipality,
                kind="money",
                partner__organisation__name="Fjordens Cykler",
            )
            .order_by("pk")
            .first()
        )
        history = list(CommitmentEntry.objects.filter(commitment=copied).order_by("seq"))
        assert [e.action for e in history] == [EntryAction.COMMITTED]
        note = history[0].reason
        assert f"Godkendt af {world.leader.public_name} den " in note
        assert "(importeret)" in note and "skal godkende tilsagnet igen" in note
        assert not CommitmentEntry.objects.filter(
            municipality=other.municipality, action=EntryAction.SIGNED_OFF
        ).exists()
        after = export_data(list(Initiative.objects.filter(municipality=other.municipality)))
        assert not any(r["signed_off"] for r in after["commitments"])
        # The other commitments carry no note.
        assert (
            CommitmentEntry.objects.filter(municipality=other.municipality, seq=1)
            .exclude(reason="")
            .count()
            == 1
        )
    # The page shows the note in the history, and the CSV table carries the columns.
    tilsagn = client.get(
        reverse("initiatives:export", args=[world.municipality.slug, "tilsagn.csv"])
    )
    header = tilsagn.content.decode("utf-8-sig").splitlines()[0].split(";")
    assert header[-3:] == ["godkendt", "godkendt af", "godkendt den"]


def test_a_signed_off_csv_row_is_reported_on_the_report_page(world, client):
    client.force_login(world.facilitator)
    with scope(municipality=world.municipality):
        for org in (world.association, world.business):
            Affiliation.objects.create(
                municipality=world.municipality, person=world.facilitator, organisation=org
            )
    text = (
        "\ufeffid;initiativ;partner;budgetpost;type;beskrivelse;værdiansættelse;planlagt mængde;"
        "timepris (kr.);planlagt (kr.);faktisk mængde;faktisk (kr.);trukket tilbage;godkendt;"
        "godkendt af;godkendt den\r\n"
        f"7;{world.initiative.pk};{world.firm.pk};;Kroner;;;500,00;;500,00;;;nej;ja;"
        "Anna Andersen;2026-03-01\r\n"
    )
    upload = SimpleUploadedFile("tilsagn.csv", text.encode("utf-8"), "text/csv")
    response = post(client, world, upload)
    page = response.content.decode()
    assert response.status_code == 200, page
    assert "1 tilsagn var godkendt i filen" in page
    with scope(municipality=world.municipality):
        from samskab.initiatives.models import CommitmentEntry

        entry = CommitmentEntry.objects.get(commitment__initiative=world.initiative, seq=1)
        assert entry.reason.startswith("Godkendt af Anna Andersen den 1. marts 2026 (importeret).")
