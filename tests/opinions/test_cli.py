"""`samskab opinion analyze | import | export`: output, bad input, atomic import, round trip."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scope, scopes_disabled

from samskab.opinions import polis
from samskab.opinions.models import (
    Conversation,
    ConversationAnalysis,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)
from tests.opinions.conftest import make_conversation

DATA = Path(__file__).resolve().parents[1] / "data" / "polis"

VOTES = """timestamp,datetime,comment-id,voter-id,vote
1,,0,a,1
2,,1,a,-1
3,,2,a,1
4,,0,b,1
5,,1,b,-1
6,,2,b,0
7,,0,c,-1
8,,1,c,1
9,,0,c,1
10,,2,c,-1
11,,0,d,-1
12,,1,d,1
13,,2,d,-1
"""
COMMENTS = """\
timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,is-meta,comment-body
1,,0,a,0,0,1,false,Flere bænke ved havnen
2,,1,a,0,0,1,false,"Færre biler i midtbyen, tak"
3,,2,b,0,0,-1,false,Noget helt andet
"""


def small_export(folder: Path, votes: str = VOTES, comments: str = COMMENTS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "votes.csv").write_text(votes, encoding="utf-8")
    (folder / "comments.csv").write_text(comments, encoding="utf-8")
    return folder


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("opinion", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as info:
        run(*args)
    assert info.value.returncode == 2
    return str(info.value)


def test_analyze_prints_json_with_string_ids(tmp_path):
    out, _ = run("analyze", str(small_export(tmp_path / "p")))
    data = json.loads(out)
    assert set(data) >= {"participants", "groups", "consensus", "group_informed_consensus", "pca"}
    assert {p["id"] for p in data["participants"]} == {"a", "b", "c", "d"}
    assert set(data["group_informed_consensus"]) == {"0", "1", "2"}
    assert all(isinstance(p["x"], float) for p in data["participants"])
    # c voted 0 twice: the later agree wins.
    assert {p["id"]: p["n_votes"] for p in data["participants"]}["c"] == 3


def test_analyze_writes_a_file_and_is_reproducible(tmp_path):
    folder = DATA / "exact" / "below-100-ptpts"
    if not folder.exists():
        pytest.skip("LOUD SKIP: tests/data/polis is missing")
    one, two = tmp_path / "1.json", tmp_path / "2.json"
    run("analyze", str(folder), "--seed", "3", "--out", str(one))
    run("analyze", str(folder), "--seed", "3", "--out", str(two))
    a = json.loads(one.read_text())
    b = json.loads(two.read_text())
    a.pop("timing_s"), b.pop("timing_s")
    assert a == b
    assert len(a["groups"]) >= 2
    raw = json.loads((folder / "votes.json").read_text())
    assert {p["id"] for p in a["participants"]} == {str(v["pid"]) for v in raw}


@pytest.mark.parametrize(
    ("name", "votes", "comments", "expect"),
    [
        ("bad-vote", VOTES.replace("1,,0,a,1", "1,,0,a,2"), COMMENTS, "votes.csv, line 2"),
        (
            "unknown-column",
            VOTES.replace("vote\n", "vote,extra\n", 1),
            COMMENTS,
            "votes.csv, line 1",
        ),
        ("malformed", VOTES + '14,,"1,e,1\n', COMMENTS, "votes.csv"),
        (
            "duplicate-id",
            VOTES,
            COMMENTS + "4,,1,b,0,0,1,false,Igen\n",
            "comments.csv, line 5",
        ),
    ],
)
def test_bad_csv_exits_2_naming_file_and_line(tmp_path, name, votes, comments, expect):
    folder = small_export(tmp_path / name, votes, comments)
    message = fails("analyze", str(folder))
    assert expect in message


def test_bad_json_exits_2(tmp_path):
    folder = tmp_path / "json"
    folder.mkdir()
    (folder / "votes.json").write_text(
        '[\n {"pid": 1, "tid": 2, "vote": 1},\n {"pid": 1,\n', "utf-8"
    )
    assert "votes.json, line" in fails("analyze", str(folder))
    assert "Kan ikke læse" in fails("analyze", str(tmp_path / "findes-ikke"))


def test_the_command_line_exit_status_is_2_with_the_message_on_stderr(tmp_path):
    folder = small_export(tmp_path / "cli", VOTES.replace("1,,0,a,1", "1,,0,a,7"), COMMENTS)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "samskab.settings"}
    done = subprocess.run(
        [sys.executable, "-m", "samskab.cli", "opinion", "analyze", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert "votes.csv, line 2" in done.stderr
    assert done.stdout == ""


@pytest.mark.django_db
def test_import_creates_the_conversation_and_its_map(town_a, tmp_path):
    folder = small_export(tmp_path / "imp")
    out, _ = run(
        "import",
        str(folder),
        "--municipality",
        town_a.municipality.code,
        "--space",
        town_a.public_space.slug,
        "--title",
        "Byens rum",
    )
    assert "Importeret som samtale" in out
    with scope(municipality=town_a.municipality):
        conversation = Conversation.objects.get()
        assert conversation.title == "Byens rum"
        texts = dict(conversation.statements.values_list("external_id", "text"))
        assert texts == {
            "0": "Flere bænke ved havnen",
            "1": "Færre biler i midtbyen, tak",
            "2": "Noget helt andet",
        }
        assert conversation.statements.get(external_id="2").moderation == -1
        assert Participant.objects.count() == 4
        assert Vote.objects.count() == 12  # final votes; c's two votes on 0 are one
        analysis = ConversationAnalysis.objects.get()
        assert analysis.computed_at is not None
        assert analysis.data["n_participants"] == 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    "break_it",
    ["bad-data", "crash-midway"],
)
def test_import_is_all_or_nothing(town_a, tmp_path, monkeypatch, break_it):
    folder = small_export(tmp_path / break_it)
    if break_it == "bad-data":
        (folder / "votes.csv").write_text(VOTES.replace("13,,2,d,-1", "13,,2,d,x"), "utf-8")
    else:

        def boom(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(VoteEvent.objects, "bulk_create", boom)
    args = [
        "import",
        str(folder),
        "--municipality",
        town_a.municipality.code,
        "--space",
        town_a.public_space.slug,
    ]
    if break_it == "bad-data":
        assert "votes.csv, line 14" in fails(*args)
    else:
        with pytest.raises(RuntimeError):
            run(*args)
    with scopes_disabled():
        assert Conversation.objects.count() == 0
        assert Statement.objects.count() == 0
        assert Participant.objects.count() == 0
        assert Vote.objects.count() == 0


@pytest.mark.django_db
def test_import_refuses_unknown_places(town_a, tmp_path):
    folder = small_export(tmp_path / "x")
    assert "kommune" in fails("import", str(folder), "--municipality", "9999", "--space", "x")
    assert "rum" in fails(
        "import", str(folder), "--municipality", town_a.municipality.code, "--space", "findes-ikke"
    )


@pytest.mark.django_db
def test_import_real_polis_data_with_progress(town_a):
    folder = DATA / "bg2050-volunteers"
    if not folder.exists():
        pytest.skip("LOUD SKIP: tests/data/polis is missing")
    out, err = run(
        "import",
        str(folder),
        "--municipality",
        town_a.municipality.code,
        "--space",
        town_a.public_space.slug,
    )
    assert "Importerer stemmer: 5000/" in err
    with scope(municipality=town_a.municipality):
        conversation = Conversation.objects.get()
        assert conversation.title == "Together, we'll build the BG of 2050."
        assert conversation.statements.count() == 371
        assert Participant.objects.count() == 126
        data = ConversationAnalysis.objects.get().data
    assert data["n_participants"] == 126
    assert len(data["groups"]) >= 2


@pytest.mark.django_db
def test_export_then_analyze_round_trip(town_a, tmp_path):
    folder = small_export(tmp_path / "src")
    run(
        "import",
        str(folder),
        "--municipality",
        town_a.municipality.code,
        "--space",
        town_a.public_space.slug,
    )
    with scopes_disabled():
        conversation = Conversation.objects.get()
    out_dir = tmp_path / "export"
    run("export", str(conversation.pk), "--out", str(out_dir))
    assert {p.name for p in out_dir.iterdir()} >= {
        "votes.csv",
        "comments.csv",
        "participants-votes.csv",
    }
    original, _ = run("analyze", str(folder))
    again, _ = run("analyze", str(out_dir))
    a, b = json.loads(original), json.loads(again)
    # Pol.is ids survive the round trip, and so do the votes and the map.
    assert {p["id"]: p["n_votes"] for p in a["participants"]} == {
        p["id"]: p["n_votes"] for p in b["participants"]
    }
    assert sorted(g["size"] for g in a["groups"]) == sorted(g["size"] for g in b["groups"])
    # And the exported folder imports again.
    run(
        "import",
        str(out_dir),
        "--municipality",
        town_a.municipality.code,
        "--space",
        town_a.public_space.slug,
    )
    with scopes_disabled():
        assert Conversation.objects.count() == 2
        assert Vote.objects.count() == 24
    assert "ingen samtale" in fails("export", "999999", "--out", str(tmp_path / "none"))


@pytest.mark.django_db
def test_export_of_a_native_conversation(conversation, citizen, tmp_path):
    from samskab.opinions import services

    with scope(municipality=conversation.municipality):
        for s in Statement.objects.filter(conversation=conversation):
            services.cast_vote(conversation, s, citizen, value=1)
        inp = polis.export_polis(conversation, tmp_path / "native")
    assert len(inp.values) == 3
    comments = (tmp_path / "native" / "comments.csv").read_text("utf-8")
    assert "Der skal være flere bænke i byen." in comments


@pytest.mark.django_db
def test_import_into_a_challenge(town_a, tmp_path):
    from samskab.challenges.models import Challenge

    with scopes_disabled():
        challenge = Challenge.objects.create(
            municipality=town_a.municipality, space=town_a.public_space, title="Bænke"
        )
    folder = small_export(tmp_path / "ch")
    base = [
        "import",
        str(folder),
        "--municipality",
        town_a.municipality.code,
        "--space",
        town_a.public_space.slug,
    ]
    assert "udfordring" in fails(*base, "--challenge", "999999")
    run(*base, "--challenge", str(challenge.pk))
    with scope(municipality=town_a.municipality):
        from samskab.opinions.services import conversations_for_challenge

        assert [c.title for c in conversations_for_challenge(challenge)] == [folder.name]


@pytest.mark.django_db
def test_the_polis_export_writes_formulas_as_text_and_reads_them_back(town_a, citizen, tmp_path):
    """Finding 6: a statement beginning with = or - ran as a formula when staff opened
    comments.csv in a spreadsheet."""
    from samskab.opinions import services

    texts = ['=HYPERLINK("http://ondt.example","Klik")', "-5 grader er for koldt til bænke"]
    conversation = make_conversation(town_a, title="=1+1", statements=texts)
    with scope(municipality=conversation.municipality):
        for s in Statement.objects.filter(conversation=conversation):
            services.cast_vote(conversation, s, citizen, value=1)
        polis.export_polis(conversation, tmp_path / "out")
    with (tmp_path / "out" / "comments.csv").open(encoding="utf-8") as fh:
        bodies = {row["comment-body"] for row in csv.DictReader(fh)}
    assert bodies == {"'" + text for text in texts}
    assert "topic,'=1+1" in (tmp_path / "out" / "summary.csv").read_text("utf-8")
    with scope(municipality=town_a.municipality):
        again = polis.import_polis(tmp_path / "out", space=town_a.public_space)
        assert again.title == "=1+1"
        assert set(Statement.objects.filter(conversation=again).values_list("text", flat=True)) == (
            set(texts)
        )
