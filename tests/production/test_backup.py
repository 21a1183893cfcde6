"""The backup in the README ("Sikkerhedskopi"), run as written: `pg_dump -Fc`, `pg_restore` into
an empty database, the uploaded files with tar; the copy has every row (rows and a checksum per
table, samskab.core.tables) and serves the site."""

from __future__ import annotations

import subprocess
import tarfile

from tests.production.ops import (
    Browser,
    environment,
    need_postgres,
    new_database,
    samskab,
    served,
    summaries,
)


def run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def test_a_pg_dump_restored_into_an_empty_database_has_every_row_and_serves_the_site(tmp_path):
    need_postgres()
    data = tmp_path / "data"
    with new_database("backup") as url:
        live = environment(data, url)
        samskab("migrate", "--no-input", "-v", "0", env=live)
        samskab("demo", env=live)
        (data / "media" / "dokumenter").mkdir(parents=True)
        (data / "media" / "dokumenter" / "referat.txt").write_text("Referat fra mødet")
        before = summaries(live)
        assert before["opinions_vote"][0] > 0

        dump = tmp_path / "samskab.dump"
        files = tmp_path / "samskab-filer.tar.gz"
        # The README's commands, word for word.
        run("pg_dump", "--format=custom", f"--file={dump}", url)
        run("tar", "-czf", str(files), "-C", str(data), "media")

        with new_database("restored") as restored_url:
            run(
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={restored_url}",
                str(dump),
            )
            restored_data = tmp_path / "restored"
            restored_data.mkdir()
            run("tar", "-xzf", str(files), "-C", str(restored_data))
            assert (restored_data / "media" / "dokumenter" / "referat.txt").read_text() == (
                "Referat fra mødet"
            )
            with tarfile.open(files) as archive:
                assert "media/dokumenter/referat.txt" in archive.getnames()

            # The secret key stays with the installation (SECRET_KEY_FILE); here the same file.
            (restored_data / "secret_key").write_text((data / "secret_key").read_text())
            restored = environment(restored_data, restored_url)
            assert summaries(restored) == before

            with served(restored, "--no-worker") as base:
                browser = Browser()
                status, page, _ = browser.request(base + "/kommuner/roskilde/")
                assert status == 200 and "Ensomhed blandt ældre" in page
                login = base + "/konto/login/"
                assert (
                    browser.log_in(login, login, "administrator@demo.samskab.dk", "samskab-demo")
                    == 302
                )
                assert browser.request(base + "/mig/")[0] == 200
