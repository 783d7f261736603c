"""`python -m claims ...` run as an operator runs it: a subprocess on a temporary SQLite database."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from claims.demo import load_demo
from claims.service import ClaimService
from claims.settings import Settings
from tests.conftest import import_samples

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DEMO_CLAIM = "La Russie va envoyer un cosmonaute nord-coréen dans l'espace"  # one of the demo claims
COMMANDS = ["import", "export", "log", "match", "stats", "db", "db upgrade", "demo", "forget"]
LOG_KEYS = {
    "id",
    "created_at",
    "user_id",
    "chat_id",
    "chat_type",
    "text",
    "lang",
    "outcome",
    "claim_id",
    "score",
    "claim_status",
}

Run = Callable[..., subprocess.CompletedProcess]


def _run(
    cwd: Path, url: str, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM_", "BOT_"))},
        **(env or {}),
    }
    env["DATABASE_URL"] = url
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "claims", *args],
        input=input,
        stdin=None if input is not None else subprocess.DEVNULL,  # CI runs with no standard input
        capture_output=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=300,
        check=False,
    )


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'claims.sqlite3'}"


@pytest.fixture
def run(tmp_path: Path, db_url: str) -> Run:
    """Run the CLI on the test's database, from a directory without a .env file."""

    def call(
        *args: str, input: str | None = None, url: str | None = None, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess:
        return _run(tmp_path, url or db_url, *args, input=input, env=env)

    return call


def _ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _one_line_error(result: subprocess.CompletedProcess, code: int = 1) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@contextmanager
def _service(url: str) -> Iterator[ClaimService]:
    """The service in this process, to set the scene faster than through the CLI."""
    service = ClaimService.from_settings(Settings(_env_file=None, database_url=url, telegram_bot_token=None))
    try:
        yield service
    finally:
        service.close()


# ------------------------------------------------------------------------------------------ help and usage


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(run: Run, command: str) -> None:
    out = _ok(run(*command.split(), "--help"))
    assert out.startswith("usage: python -m claims")
    assert len(out.splitlines()) > 3


def test_the_top_level_help_lists_every_command(run: Run) -> None:
    out = _ok(run("--help"))
    for command in ("import", "export", "log", "match", "stats", "db", "demo", "forget"):
        assert f"\n    {command} " in out


def test_a_bad_argument_is_one_line_and_exit_2(run: Run) -> None:
    line = _one_line_error(run("log", "--limit", "zero"), code=2)
    assert "--limit" in line and "not a whole number" in line


def test_a_missing_command_is_a_usage_error(run: Run) -> None:
    _one_line_error(run(), code=2)


def test_match_needs_a_text_or_a_file(run: Run) -> None:
    assert "give either TEXT or --file PATH" in _one_line_error(run("match"), code=2)


# ------------------------------------------------------------------------------------------ import


def test_import_prints_what_it_did(run: Run) -> None:
    out = _ok(run("import", str(DATA / "claimreview_graph.jsonld")))
    assert "3 created, 0 updated, 0 unchanged" in out


def test_reimporting_the_same_file_updates_instead_of_duplicating(run: Run) -> None:
    _ok(run("import", str(DATA / "claimreview_graph.jsonld")))
    first = _ok(run("export", "--format", "csv"))
    out = _ok(run("import", str(DATA / "claimreview_graph.jsonld")))
    assert "0 created, 0 updated, 3 unchanged" in out
    assert _ok(run("export", "--format", "csv")) == first


def test_reimporting_a_claim_without_review_url_does_not_duplicate_it(run: Run) -> None:
    _ok(run("import", str(DATA / "reviews_fr.csv")))
    first = _ok(run("export", "--format", "csv"))
    assert "0 created" in _ok(run("import", str(DATA / "reviews_fr.csv")))
    assert _ok(run("export", "--format", "csv")) == first


def test_import_reads_standard_input(run: Run) -> None:
    out = _ok(run("import", "-", input=(DATA / "factcheck_api.json").read_text()))
    assert "from 3 records" in out


def test_the_format_can_be_forced(run: Run) -> None:
    line = _one_line_error(run("import", "--format", "claimreview", str(DATA / "factcheck_api.json")))
    assert "--format factcheck-api" in line
    assert "3 created" in _ok(run("import", "--format", "factcheck-api", str(DATA / "factcheck_api.json")))


def test_a_malformed_file_changes_nothing_and_names_the_record(run: Run, tmp_path: Path) -> None:
    _ok(run("import", str(DATA / "claimreview_fr.jsonld")))
    before = _ok(run("export"))
    line = _one_line_error(run("import", str(DATA / "bad_rating.csv")))
    assert line.startswith("error: line 4 (Les éoliennes tuent plus d'oiseaux que les chats): rating:")
    line = _one_line_error(run("import", str(DATA / "bad_url.jsonl")))
    assert "line 2" in line and "url" in line
    assert _ok(run("export")) == before


def test_a_malformed_file_does_not_even_create_the_database(run: Run, tmp_path: Path) -> None:
    _one_line_error(run("import", str(DATA / "bad_url.jsonl")))
    assert not (tmp_path / "claims.sqlite3").exists()


def test_a_missing_file_is_one_line(run: Run) -> None:
    assert "cannot read nowhere.csv" in _one_line_error(run("import", "nowhere.csv"))


# ------------------------------------------------------------------------------------------ export


@pytest.mark.parametrize("fmt", ["claimreview", "csv"])
def test_export_then_import_into_an_empty_database_is_exact(
    run: Run, tmp_path: Path, db_url: str, fmt: str
) -> None:
    with _service(db_url) as service:
        import_samples(service)
        load_demo(service)
        service.check(
            text="Un cosmonaute nord-coréen ira dans l'espace avec les Russes", user_id=7, chat_id=7
        )
        service.check(
            text="Ma voisine élève des lamas bleus dans son garage depuis dix ans", user_id=8, chat_id=8
        )
    exported = tmp_path / f"export.{fmt}"
    assert "exported" in _ok(run("export", "--format", fmt, "--output", str(exported)))
    empty = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    _ok(run("import", str(exported), url=empty))
    assert _ok(run("export", "--format", fmt, url=empty)) == exported.read_text(encoding="utf-8")


def test_export_writes_json_ld_to_standard_output_by_default(run: Run) -> None:
    _ok(run("import", str(DATA / "claimreview.jsonl")))
    document = json.loads(_ok(run("export")))
    assert len(document["@graph"]) == 3


# ------------------------------------------------------------------------------------------ log


@pytest.fixture
def asked(db_url: str) -> list[dict]:
    """A database with the demo claims and three asks in the log; the log as the service sees it."""
    with _service(db_url) as service:
        load_demo(service)
        service.check(text=DEMO_CLAIM, user_id=11, chat_id=11, lang_hint="fr")
        service.check(
            text="Ma voisine élève des lamas bleus dans son garage depuis dix ans", user_id=12, chat_id=12
        )
        service.check(
            text="North Korea will build a theme park in Moscow next year",
            user_id=13,
            chat_id=-5,
            chat_type="group",
            queue=False,
        )
        return [
            {"id": e.id, "outcome": str(e.outcome), "claim_status": e.claim_status and str(e.claim_status)}
            for e in service.log(limit=10)
        ]


def test_log_as_json_is_an_array_of_documented_objects(run: Run, asked: list[dict]) -> None:
    rows = json.loads(_ok(run("log", "--format", "json")))
    assert len(rows) == 3
    for row in rows:
        assert set(row) == LOG_KEYS
        assert datetime.fromisoformat(row["created_at"]).tzinfo is not None
    assert [row["user_id"] for row in rows] == [13, 12, 11]  # newest first
    assert [(r["id"], r["outcome"], r["claim_status"]) for r in rows] == [tuple(e.values()) for e in asked]
    assert rows[2]["chat_type"] == "private" and rows[0]["chat_type"] == "group"


def test_log_filters_by_outcome_or_claim_status(run: Run, asked: list[dict]) -> None:
    for status in ("answered", "queued", "unmatched", "suggested", "published", "pending"):
        rows = json.loads(_ok(run("log", "--format", "json", "--status", status)))
        expected = [e["id"] for e in asked if status in (e["outcome"], e["claim_status"])]
        assert [row["id"] for row in rows] == expected, status


def test_log_filters_by_text_date_and_count(run: Run, asked: list[dict]) -> None:
    found = json.loads(_ok(run("log", "--format", "json", "--search", "LAMAS BLEUS")))
    assert [row["user_id"] for row in found] == [12]
    assert json.loads(_ok(run("log", "--format", "json", "--since", "2999-01-01"))) == []
    assert len(json.loads(_ok(run("log", "--format", "json", "--since", "2000-01-01")))) == 3
    assert len(json.loads(_ok(run("log", "--format", "json", "--limit", "1")))) == 1


def test_log_as_csv_has_a_header_and_one_row_per_entry(run: Run, asked: list[dict]) -> None:
    rows = list(csv.DictReader(io.StringIO(_ok(run("log", "--format", "csv")))))
    assert len(rows) == 3 and set(rows[0]) == LOG_KEYS
    assert rows[2]["text"] == DEMO_CLAIM


def test_log_as_a_table(run: Run, asked: list[dict]) -> None:
    assert "lamas" in _ok(run("log"))


def test_a_semantic_model_that_cannot_be_used_is_one_clear_line(run: Run, tmp_path: Path) -> None:
    line = _one_line_error(
        run(
            "match",
            "The Eiffel Tower will be demolished",
            env={"MATCH_SEMANTIC_MODEL": str(tmp_path / "nope")},
        )
    )
    assert line.startswith("error: MATCH_SEMANTIC_MODEL cannot be used: ")
    assert "unexpected" not in line


def test_a_bad_since_date_is_a_usage_error(run: Run) -> None:
    assert "not an ISO 8601 date" in _one_line_error(run("log", "--since", "hier"), code=2)


# ------------------------------------------------------------------------------------------ match


def test_match_jsonl_answers_exactly_one_line_per_input_line(run: Run, tmp_path: Path, db_url: str) -> None:
    with _service(db_url) as service:
        load_demo(service)
    queries = [DEMO_CLAIM, "", "🤔🤔", "   ", "La recette de la tarte aux pommes de ma grand-mère"]
    path = tmp_path / "queries.txt"
    path.write_text("\n".join(queries) + "\n", encoding="utf-8")
    lines = _ok(run("match", "--file", str(path), "--format", "jsonl", "--limit", "3")).splitlines()
    assert len(lines) == len(queries)
    results = [json.loads(line) for line in lines]
    assert [r["query"] for r in results] == queries
    best = results[0]["matches"][0]
    assert set(best) == {"claim_id", "claim_text", "score", "tier", "rating", "textual_rating", "source_urls"}
    assert best["claim_text"] == DEMO_CLAIM and best["tier"] == "answer"
    assert best["source_urls"] and all(url.startswith("https://") for url in best["source_urls"])
    assert len(results[0]["matches"]) <= 3
    for empty in results[1:4]:
        assert empty["matches"] == [] and empty["error"] == "empty_text"


def test_match_jsonl_reads_standard_input(run: Run) -> None:
    lines = _ok(run("match", "--file", "-", "--format", "jsonl", input="un\ndeux\n\ntrois")).splitlines()
    assert [json.loads(line)["query"] for line in lines] == ["un", "deux", "", "trois"]


def test_match_a_text_as_a_table(run: Run, db_url: str) -> None:
    with _service(db_url) as service:
        load_demo(service)
    assert "answer" in _ok(run("match", DEMO_CLAIM))


def test_import_and_match_work_while_a_running_bot_holds_the_index(
    run: Run, db_url: str, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    settings = Settings(_env_file=None, database_url=db_url, telegram_bot_token=None, index_dir=index_dir)
    bot = ClaimService.from_settings(settings)  # stands for the running bot: it holds INDEX_DIR's writer
    try:
        bot.check(text="A brand new claim that nobody ever checked about cheese moons", user_id=7, chat_id=7)
        env = {"INDEX_DIR": str(index_dir)}
        imported = run("import", str(DATA / "reviews_fr.csv"), env=env)
        assert imported.returncode == 0, imported.stderr
        assert "in use" in imported.stderr and "created" in imported.stdout
        matched = json.loads(_ok(run("match", "--file", "-", "--format", "jsonl", input=DEMO_CLAIM, env=env)))
        assert matched["query"] == DEMO_CLAIM
        # The bot finds what the import wrote, through its own index.
        record = next(csv.DictReader(io.StringIO((DATA / "reviews_fr.csv").read_text(encoding="utf-8"))))
        result = bot.check(text=record["claim_text"], user_id=8, chat_id=8)
        assert result.answer is not None and result.answer.claim.text == record["claim_text"]
    finally:
        bot.close()


def test_a_new_index_dir_is_created_by_the_first_command(run: Run, tmp_path: Path) -> None:
    index_dir = tmp_path / "new" / "index"  # neither directory exists yet
    env = {"INDEX_DIR": str(index_dir)}
    assert "created" in _ok(run("import", str(DATA / "reviews_fr.csv"), env=env))
    assert (index_dir / "lexical").is_dir()
    record = next(csv.DictReader(io.StringIO((DATA / "reviews_fr.csv").read_text(encoding="utf-8"))))
    matched = json.loads(
        _ok(run("match", "--file", "-", "--format", "jsonl", input=record["claim_text"], env=env))
    )
    assert matched["matches"][0]["claim_text"] == record["claim_text"]


# ------------------------------------------------------------------------------------------ the rest


def test_stats_shows_counts(run: Run, db_url: str) -> None:
    with _service(db_url) as service:
        load_demo(service)
    out = _ok(run("stats"))
    assert "claims" in out and "verdicts" in out


def test_db_upgrade_creates_the_schema(run: Run, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh' / 'new.sqlite3'}"
    assert "latest schema" in _ok(run("--database-url", url, "db", "upgrade"))
    assert (tmp_path / "fresh" / "new.sqlite3").exists()


def test_demo_twice_creates_nothing_the_second_time(run: Run) -> None:
    _ok(run("demo"))
    assert "0 created" in _ok(run("demo"))


def test_forget_erases_a_person_from_the_log(run: Run, asked: list[dict]) -> None:
    assert "user 12 forgotten" in _ok(run("forget", "12"))
    rows = json.loads(_ok(run("log", "--format", "json")))
    assert 12 not in [row["user_id"] for row in rows]


def test_the_database_url_option_overrides_the_environment(run: Run, tmp_path: Path) -> None:
    _ok(run("--database-url", f"sqlite:///{tmp_path / 'before.sqlite3'}", "db", "upgrade"))
    _ok(run("db", "upgrade", "--database-url", f"sqlite:///{tmp_path / 'after.sqlite3'}"))
    assert (tmp_path / "before.sqlite3").exists() and (tmp_path / "after.sqlite3").exists()
    assert not (tmp_path / "claims.sqlite3").exists()


def test_an_empty_database_exports_a_file_that_imports_as_nothing(run: Run, tmp_path: Path) -> None:
    for fmt in ("claimreview", "csv"):
        exported = tmp_path / f"empty.{fmt}"
        _ok(run("export", "--format", fmt, "--output", str(exported)))
        assert "nothing imported" in _ok(run("import", str(exported)))


def test_an_unreachable_database_is_one_line(run: Run) -> None:
    line = _one_line_error(run("stats", url="postgresql+psycopg://nobody:secret@127.0.0.1:9/claims"))
    assert line.startswith("error:")
    assert "secret" not in line


def test_a_malformed_database_url_is_one_line(run: Run) -> None:
    assert _one_line_error(run("stats", url="not a database url")).startswith("error:")
