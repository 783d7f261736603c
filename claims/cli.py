"""The operator's command line: `python -m claims import|export|log|match|stats|db|demo|forget`.

Every failure a person can cause or fix (a bad file, a bad argument, an unknown claim, an unreachable
database) is one line on stderr and a non-zero exit: 1 for errors, 2 for usage. `--debug` shows tracebacks.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NoReturn, TextIO

from claims.errors import ClaimsError
from claims.formats import READ_FORMATS, WRITE_FORMATS, read_records, write_records
from claims.gcpause import gc_paused
from claims.records import ReviewRecord
from claims.views import Candidate, Outcome, Stats, Status, SubmissionView

if TYPE_CHECKING:
    from rich.progress import Progress

    from claims.service import ClaimService
    from claims.settings import Settings

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2
LOG_STATUSES = tuple(o.value for o in Outcome) + tuple(s.value for s in Status)
LOG_FIELDS = (
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
)
PROGRESS_EVERY = 500  # records between progress-bar refreshes while reading


class CliError(Exception):
    """A problem outside the domain (a file that cannot be opened); printed as one line, exit 1."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (and exit 2) rather than the whole usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


# ------------------------------------------------------------------------------------------ arguments


def _date(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date: {text!r} (e.g. 2024-03-05)") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text}")
    return number


def _user_id(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a Telegram user id: {text!r}") from None


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument(
        "--database-url", metavar="URL", default=default, help="database to use (overrides DATABASE_URL)"
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default if default is argparse.SUPPRESS else False,
        help="log verbosely and show tracebacks on errors",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every command (the help texts are the CLI's documentation)."""
    parser = _Parser(
        prog="python -m claims",
        description="Operate the fact-check claims store: move reviews in and out, read the claim log, "
        "try the matcher.",
        epilog="Settings come from the environment or .env (DATABASE_URL, ...). Exit codes: 0 ok, 1 error, "
        "2 usage.",
    )
    _global_options(parser, None)
    # The same options after the command name (`claims stats --database-url ...`); SUPPRESS keeps a value
    # given before the command when it is not repeated after it.
    common = _Parser(add_help=False)
    _global_options(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(group: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        return group.add_parser(name, parents=[common], **kwargs)

    cmd = add(
        commands,
        "import",
        help="import fact-checks from a file",
        description="Import fact-checks (ClaimReview JSON/JSON-LD/JSON Lines, a Google Fact Check Tools "
        "response, or CSV). The whole file is checked first and imported in one transaction: a bad record "
        "aborts the import and changes nothing. A review URL already in the database updates its claim.",
    )
    cmd.add_argument("path", metavar="PATH", help="file to import, or - for standard input")
    cmd.add_argument(
        "--format",
        choices=READ_FORMATS,
        default="auto",
        help="file format (default: auto, guessed from the name and content)",
    )
    cmd.set_defaults(handler=cmd_import)

    cmd = add(
        commands,
        "export",
        help="export every claim with its verdicts",
        description="Export every claim (not merged away) with its current verdict and history, in a form "
        "that `import` reads back without loss.",
    )
    cmd.add_argument(
        "--format", choices=WRITE_FORMATS, default="claimreview", help="ClaimReview JSON-LD (default) or CSV"
    )
    cmd.add_argument("--output", "-o", metavar="PATH", help="file to write (default: standard output)")
    cmd.set_defaults(handler=cmd_export)

    cmd = add(
        commands,
        "log",
        help="show the claim log (what people sent)",
        description="Show the claim log, newest first.",
    )
    cmd.add_argument("--status", choices=LOG_STATUSES, help="an outcome, or the status of the matched claim")
    cmd.add_argument("--since", type=_date, metavar="DATE", help="only entries from DATE on (ISO 8601, UTC)")
    cmd.add_argument("--lang", metavar="XX", help="only texts in this language (e.g. fr)")
    cmd.add_argument("--search", metavar="TEXT", help="only texts containing TEXT (case-insensitive)")
    cmd.add_argument(
        "--limit", type=_positive, default=50, metavar="N", help="at most N entries (default 50)"
    )
    cmd.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format")
    cmd.set_defaults(handler=cmd_log)

    cmd = add(
        commands,
        "match",
        help="show the claims a text matches",
        description="Show which claims the matcher finds for a text, with scores and tiers; logs nothing. "
        "With --file, each line is one text; --format jsonl then prints exactly one JSON object per input "
        'line: {"query", "lang", "matches": [...]} (plus "error" when the line could not be matched).',
    )
    cmd.add_argument("text", nargs="?", metavar="TEXT", help="the text to match")
    cmd.add_argument("--file", metavar="PATH", help="match every line of PATH (- for standard input)")
    cmd.add_argument("--limit", type=_positive, default=5, metavar="N", help="at most N matches (default 5)")
    cmd.add_argument("--format", choices=("table", "jsonl"), default="table", help="output format")
    cmd.set_defaults(handler=cmd_match)

    cmd = add(commands, "stats", help="show counts", description="Show counts of claims, verdicts, asks.")
    cmd.set_defaults(handler=cmd_stats)

    cmd = add(commands, "db", help="database maintenance", description="Database maintenance.")
    db_commands = cmd.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    sub = add(
        db_commands,
        "upgrade",
        help="migrate the database schema to the latest version",
        description="Create the database if needed and migrate its schema to the latest version.",
    )
    sub.set_defaults(handler=cmd_db_upgrade)

    cmd = add(
        commands,
        "demo",
        help="load the demo claims",
        description="Load a few demo claims with verdicts (clearly marked as demo data) to try the bot. "
        "Running it again changes nothing.",
    )
    cmd.set_defaults(handler=cmd_demo)

    cmd = add(
        commands,
        "forget",
        help="erase a person's personal data",
        description="Erase what the store keeps about a person (log entries are anonymised, their "
        "subscriptions, notifications and role are deleted).",
    )
    cmd.add_argument("user_id", type=_user_id, metavar="USER_ID", help="the person's Telegram user id")
    cmd.set_defaults(handler=cmd_forget)
    return parser


# ------------------------------------------------------------------------------------------ plumbing


class Context:
    """What a command needs: its arguments, the streams, and the service (created on first use)."""

    def __init__(self, args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> None:
        self.args = args
        self.stdout = stdout
        self.stderr = stderr
        self._service: ClaimService | None = None

    def settings(self) -> Settings:
        from claims.settings import get_settings

        settings = get_settings()
        if self.args.database_url:
            settings = settings.model_copy(update={"database_url": self.args.database_url})
        return settings

    @property
    def service(self) -> ClaimService:
        if self._service is None:
            from claims.service import ClaimService

            self._service = ClaimService.from_settings(self._unless_index_in_use(self.settings()))
        return self._service

    def _unless_index_in_use(self, settings: Settings) -> Settings:
        """Leave INDEX_DIR to the bot that holds it: this command works on an index in memory instead.

        The database stays shared: a running bot indexes what an import wrote by itself (it follows the
        wordings' ids), so nothing is lost by not writing to its index.
        """
        from claims.matching.index import index_in_use

        if settings.index_dir is None or not index_in_use(settings.index_dir / "lexical"):
            return settings
        print(
            f"note: the match index in {settings.index_dir} is in use (a running bot); this command builds its "
            "own in memory, and the bot indexes any claims imported here by itself.",
            file=self.stderr,
        )
        return settings.model_copy(update={"index_dir": None})

    def close(self) -> None:
        if self._service is not None:
            self._service.close()

    def console(self, *, stderr: bool = False) -> Any:
        from rich.console import Console

        return Console(file=self.stderr if stderr else self.stdout, highlight=False, soft_wrap=False)

    @contextmanager
    def progress(self) -> Iterator[Progress | None]:
        """A transient progress display on stderr when it is a terminal, else None."""
        if not _isatty(self.stderr):
            yield None
            return
        from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

        columns = (
            TextColumn("{task.description:<9}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=self.console(stderr=True), transient=True) as progress:
            yield progress


def _isatty(stream: IO[Any]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _CountingReader(io.RawIOBase):
    """A binary stream that counts the bytes read through it, for a progress bar."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        size = len(data)
        buffer[:size] = data
        self.count += size
        return size


def _open_input(path: str) -> tuple[IO[bytes], int | None]:
    if path == "-":
        return sys.stdin.buffer, None
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except OSError as error:
        raise CliError(f"cannot read {path}: {error.strerror or error}") from None
    return handle, os.fstat(handle.fileno()).st_size


# ------------------------------------------------------------------------------------------ commands


def cmd_import(ctx: Context) -> int:
    """Read the whole file (so a bad record changes nothing), then import it in one transaction."""
    args = ctx.args
    raw, size = _open_input(args.path)
    counter = _CountingReader(raw)
    text = io.TextIOWrapper(io.BufferedReader(counter), encoding="utf-8-sig", newline="")
    name = None if args.path == "-" else args.path
    records: list[ReviewRecord] = []
    total_mb = f"/{size / 1e6:.1f} MB" if size is not None else " MB"
    try:
        with ctx.progress() as progress, gc_paused():
            reading = progress.add_task("Reading", total=size, detail="") if progress else None

            def show_reading() -> None:
                if progress is not None and reading is not None:
                    detail = f"{counter.count / 1e6:.1f}{total_mb}, {len(records)} records"
                    progress.update(reading, completed=counter.count, detail=detail)

            for record in read_records(text, args.format, name=name):
                records.append(record)
                if len(records) % PROGRESS_EVERY == 0:
                    show_reading()
            show_reading()
            if not records:
                print(f"{args.path}: no records, nothing imported", file=ctx.stdout)
                return EXIT_OK
            importing = progress.add_task("Importing", total=len(records), detail="") if progress else None

            def advance(done: int) -> None:
                if progress is not None and importing is not None:
                    progress.advance(importing, done)
                    task = progress.tasks[importing]
                    progress.update(importing, detail=f"{int(task.completed)}/{len(records)} records")

            report = ctx.service.import_records(records, progress=advance)
    finally:
        text.detach()  # leave standard input open; a file is closed below
        if args.path != "-":
            raw.close()
    print(
        f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged "
        f"({report.verdicts_added} verdicts added) from {len(records)} records",
        file=ctx.stdout,
    )
    return EXIT_OK


def cmd_export(ctx: Context) -> int:
    """Write every claim; a file is written beside its destination first, so a failure leaves no half file."""
    args = ctx.args
    if not args.output or args.output == "-":
        write_records(ctx.service.export_records(), ctx.stdout, args.format)
        ctx.stdout.flush()
        return EXIT_OK
    target = Path(args.output)
    partial = target.with_name(target.name + ".part")
    try:
        with open(partial, "w", encoding="utf-8", newline="") as out:
            count = write_records(ctx.service.export_records(), out, args.format)
        os.replace(partial, target)
    except OSError as error:
        raise CliError(f"cannot write {args.output}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
    print(f"exported {count} claims to {args.output}", file=ctx.stdout)
    return EXIT_OK


def _log_row(entry: SubmissionView) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created_at": entry.created_at.isoformat(),
        "user_id": entry.user_id,
        "chat_id": entry.chat_id,
        "chat_type": entry.chat_type,
        "text": entry.text,
        "lang": entry.lang,
        "outcome": str(entry.outcome),
        "claim_id": entry.claim_id,
        "score": entry.score,
        "claim_status": None if entry.claim_status is None else str(entry.claim_status),
    }


def cmd_log(ctx: Context) -> int:
    args = ctx.args
    entries = ctx.service.log(
        actor_id=None,
        status=args.status,
        since=args.since,
        lang=args.lang,
        search=args.search,
        limit=args.limit,
    )
    rows = [_log_row(entry) for entry in entries]
    if args.format == "json":
        json.dump(rows, ctx.stdout, ensure_ascii=False, indent=2)
        ctx.stdout.write("\n")
    elif args.format == "csv":
        writer = csv.DictWriter(ctx.stdout, fieldnames=LOG_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    else:
        _log_table(ctx, entries)
    return EXIT_OK


def _log_table(ctx: Context, entries: list[SubmissionView]) -> None:
    from rich.table import Table

    table = Table(title=f"Claim log ({len(entries)} entries, newest first)")
    for column in ("id", "when (UTC)", "user", "chat", "lang", "outcome", "claim", "score", "text"):
        table.add_column(column, overflow="fold")
    for e in entries:
        claim = (
            "" if e.claim_id is None else f"#{e.claim_id}" + (f" {e.claim_status}" if e.claim_status else "")
        )
        table.add_row(
            str(e.id),
            e.created_at.strftime("%Y-%m-%d %H:%M"),
            "" if e.user_id is None else str(e.user_id),
            e.chat_type or "",
            e.lang or "",
            str(e.outcome),
            claim,
            "" if e.score is None else f"{e.score:.2f}",
            e.text,
        )
    ctx.console().print(table)


def _match_entry(candidate: Candidate) -> dict[str, Any]:
    claim = candidate.claim
    verdict = claim.verdict
    urls: list[str] = []
    if verdict is not None:
        urls = [source.url for source in verdict.sources]
        if verdict.review_url and verdict.review_url not in urls:
            urls.insert(0, verdict.review_url)
    return {
        "claim_id": claim.id,
        "claim_text": claim.text,
        "score": round(candidate.score, 4),
        "tier": candidate.tier,
        "rating": None if verdict is None else str(verdict.rating),
        "textual_rating": None if verdict is None else verdict.textual_rating,
        "source_urls": urls,
    }


def _match_one(ctx: Context, text: str, limit: int) -> dict[str, Any]:
    """One input line's JSON object; a line that cannot be matched still gets one (with `error`)."""
    result: dict[str, Any] = {"query": text, "lang": None, "matches": []}
    if not text.strip():
        result["error"] = "empty_text"
        return result
    try:
        query, candidates = ctx.service.match(text, limit=limit)
    except ClaimsError as error:
        if error.code == "db_unavailable":
            raise
        result["error"] = error.code
        return result
    result["lang"] = getattr(query, "lang", None)
    if getattr(query, "empty", False):
        result["error"] = "empty_text"
    result["matches"] = [_match_entry(candidate) for candidate in candidates]
    return result


def _match_lines(path: str) -> Iterator[str]:
    raw, _ = _open_input(path)
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
    try:
        for line in text:
            yield line.rstrip("\r\n")
    finally:
        text.detach()
        if path != "-":
            raw.close()


def cmd_match(ctx: Context) -> int:
    args = ctx.args
    if (args.text is None) == (args.file is None):
        raise _UsageError("give either TEXT or --file PATH")
    texts = [args.text] if args.text is not None else _match_lines(args.file)
    if args.format == "jsonl":
        for text in texts:
            ctx.stdout.write(json.dumps(_match_one(ctx, text, args.limit), ensure_ascii=False) + "\n")
            ctx.stdout.flush()
        return EXIT_OK
    console = ctx.console()
    for text in texts:
        _match_table(console, _match_one(ctx, text, args.limit))
    return EXIT_OK


def _match_table(console: Any, result: dict[str, Any]) -> None:
    from rich.table import Table

    title = f"{result['query']!r} (lang: {result['lang'] or '?'})"
    if result.get("error"):
        console.print(f"{title}: {result['error']}")
        return
    if not result["matches"]:
        console.print(f"{title}: no match")
        return
    table = Table(title=title, title_justify="left")
    for column in ("claim", "score", "tier", "rating", "claim text"):
        table.add_column(column, overflow="fold")
    for match in result["matches"]:
        rating = match["rating"] or ""
        if match["textual_rating"] and match["textual_rating"] != rating:
            rating = f"{rating} ({match['textual_rating']})"
        table.add_row(
            f"#{match['claim_id']}", f"{match['score']:.3f}", match["tier"], rating, match["claim_text"]
        )
    console.print(table)


def cmd_stats(ctx: Context) -> int:
    from rich.table import Table

    stats: Stats = ctx.service.stats()
    table = Table(title="Claims store", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")

    def section(name: str, counts: dict[str, int]) -> None:
        table.add_row(f"[bold]{name}[/bold]", str(sum(counts.values())))
        for key, value in sorted(counts.items()):
            table.add_row(f"  {key}", str(value))

    section("claims", stats.claims_by_status)
    table.add_row("[bold]verdicts[/bold]", str(stats.verdicts))
    table.add_row("[bold]wordings[/bold]", str(stats.wordings))
    section("submissions", stats.submissions_by_outcome)
    table.add_row("[bold]people who asked[/bold]", str(stats.askers))
    table.add_row("[bold]active subscriptions[/bold]", str(stats.subscriptions))
    table.add_row("[bold]reviewers and admins[/bold]", str(stats.reviewers))
    table.add_row("[bold]banned[/bold]", str(stats.banned))
    section("notifications", stats.notifications_by_status)
    ctx.console().print(table)
    return EXIT_OK


def _safe_url(url: str) -> str:
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the database"


def cmd_db_upgrade(ctx: Context) -> int:
    from claims.db import upgrade

    url = ctx.settings().database_url
    upgrade(url)
    print(f"{_safe_url(url)} is at the latest schema", file=ctx.stdout)
    return EXIT_OK


def cmd_demo(ctx: Context) -> int:
    from claims.demo import load_demo

    report = load_demo(ctx.service)
    counts = f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
    print(f"demo claims loaded: {counts}", file=ctx.stdout)
    return EXIT_OK


def cmd_forget(ctx: Context) -> int:
    touched = ctx.service.forget(ctx.args.user_id)
    print(f"user {ctx.args.user_id} forgotten ({touched} rows anonymised or deleted)", file=ctx.stdout)
    return EXIT_OK


class _UsageError(Exception):
    """A combination of arguments argparse cannot check by itself."""


# ------------------------------------------------------------------------------------------ entry point


def _utf8(stream: TextIO) -> TextIO:
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8") and isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8")
    return stream


def _one_line(text: str) -> str:
    return " ".join(str(text).split()) or "unknown error"


def main(
    argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run one command; returns the exit code (0 ok, 1 error, 2 usage)."""
    stdout = stdout or _utf8(sys.stdout)
    stderr = stderr or sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
        stream=stderr,
    )
    ctx = Context(args, stdout, stderr)
    handler: Callable[[Context], int] = args.handler
    try:
        return handler(ctx)
    except _UsageError as error:
        parser.exit(EXIT_USAGE, f"{parser.prog} {args.command}: error: {error} (see --help)\n")
    except ClaimsError as error:
        return _fail(stderr, f"error: {_one_line(str(error))}", args.debug)
    except CliError as error:
        return _fail(stderr, f"error: {_one_line(str(error))}", args.debug)
    except KeyboardInterrupt:
        return _fail(stderr, "interrupted", args.debug, code=130)
    except BrokenPipeError:
        # The reader went away (`... | head`): stop quietly, and keep Python from complaining at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERROR
    except Exception as error:
        return _fail(stderr, _unexpected(error), args.debug)
    finally:
        try:
            ctx.close()
        except Exception as error:  # closing must not hide the command's own outcome
            logging.getLogger(__name__).debug("closing the service failed: %s", error)


def _unexpected(error: Exception) -> str:
    from pydantic import ValidationError

    if isinstance(error, ValidationError):
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        return f"error: bad setting: {_one_line(problems)}"
    from sqlalchemy.exc import SQLAlchemyError

    from claims.matching.semantic import SemanticUnavailable

    if isinstance(error, SemanticUnavailable):
        return f"error: MATCH_SEMANTIC_MODEL cannot be used: {_one_line(str(error))}"
    if isinstance(error, ModuleNotFoundError):
        return f"error: {error} (is the database driver for DATABASE_URL installed?)"
    if isinstance(error, SQLAlchemyError):
        detail = str(getattr(error, "orig", None) or error).splitlines()
        return f"error: database: {_one_line(detail[0] if detail else type(error).__name__)}"
    return f"error: unexpected {type(error).__name__}: {_one_line(str(error))} (run with --debug for details)"


def _fail(stderr: TextIO, message: str, debug: bool, *, code: int = EXIT_ERROR) -> int:
    if debug:
        import traceback

        traceback.print_exc(file=stderr)
    print(message, file=stderr)
    return code
