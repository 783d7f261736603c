"""Import speed: `python -m claims import` of large synthetic files into SQLite, per file format.

    python benchmarks/import_speed.py --claims 100000 --runs 3

For each format a file of N fact-checks is written once (untimed; see `synthetic.FILE_FORMATS`), then imported
`--runs` times by a fresh `python -m claims import FILE --format F` process into a fresh, already migrated
SQLite database. Reported per format (medians over the runs; wall clock of the whole command — start-up,
reading and checking every record, the one write transaction — divided into the number of claims):

- import: INDEX_DIR unset (the default): the claims are stored; the bot indexes them as it starts or at its
  next search;
- re-import: the same file again into the database it just filled (every review URL is known: the update
  path, which must find nothing to change);
- with index: INDEX_DIR set, so the command also indexes every wording into the match index the bot reopens;
- CPU s and /CPU-s: the command's CPU time (user + system, its worker processes included) and claims per
  CPU-second: what the run takes on cores of its own, where the wall clock of a shared machine also counts the
  time other jobs held the cores;
- a breakdown measured in-process, once: reading (parse + validation), storing (the transaction and its
  commit), indexing (`sync_index`: analysis of the new wordings, tantivy, its commit).

With `--postgres URL` the same is measured on a throwaway database created on that server (and dropped).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness import database  # noqa: E402
from synthetic import FILE_FORMATS, Corpus, write_file  # noqa: E402

from claims.formats import read_records  # noqa: E402
from claims.gcpause import gc_paused  # noqa: E402
from claims.service import ClaimService  # noqa: E402
from claims.settings import Settings  # noqa: E402


def cli_import(path: Path, fmt: str, url: str, index_dir: Path | None) -> tuple[float, float, str]:
    """Run `python -m claims import` in a new process; (wall seconds, CPU seconds, its summary line).

    CPU seconds (user + system, the command's worker processes included) are what the run would take on cores
    of its own; on a shared machine the wall clock also counts the time other jobs held the cores."""
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("INDEX_DIR", None)
    if index_dir is not None:
        env["INDEX_DIR"] = str(index_dir)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "claims", "import", str(path), "--format", fmt],
        cwd=REPO,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout.strip().splitlines()[-1]


def breakdown(path: Path, fmt: str, url: str, index_dir: Path) -> dict[str, float]:
    """Seconds spent reading, storing and indexing, measured in this process (what `import_records` does)."""
    from claims import transfer
    from claims.models import utcnow

    settings = Settings(_env_file=None, database_url=url, index_dir=index_dir)
    service = ClaimService.from_settings(settings, migrate=False)
    try:
        with gc_paused():  # as the CLI runs it
            started = time.perf_counter()
            with path.open(encoding="utf-8-sig", newline="") as handle:
                records = list(read_records(handle, fmt, name=path.name))
            read = time.perf_counter() - started
            started = time.perf_counter()
            with service.db.write() as session:
                transfer.import_records(session, records, now=utcnow())
            store = time.perf_counter() - started
            started = time.perf_counter()
            service.sync_index()
            index = time.perf_counter() - started
    finally:
        service.close()
    return {"read_s": read, "store_s": store, "index_s": index}


def measure(
    shape: str, path: Path, claims: int, runs: int, kind: str, scratch: Path, postgres: str | None
) -> dict[str, float]:
    fmt = FILE_FORMATS[shape][1]
    runs_of: dict[str, list[tuple[float, float]]] = {"import": [], "reimport": [], "indexed": []}
    for _ in range(runs):
        with database(kind, scratch, postgres) as url:
            wall, cpu, summary = cli_import(path, fmt, url, None)
            assert summary.startswith(f"{claims} created"), summary
            runs_of["import"].append((wall, cpu))
            wall, cpu, summary = cli_import(path, fmt, url, None)
            assert summary.startswith(f"0 created, 0 updated, {claims} unchanged"), summary
            runs_of["reimport"].append((wall, cpu))
        with database(kind, scratch, postgres) as url:
            index_dir = scratch / "index"
            wall, cpu, summary = cli_import(path, fmt, url, index_dir)
            assert summary.startswith(f"{claims} created"), summary
            runs_of["indexed"].append((wall, cpu))
            shutil.rmtree(index_dir)
    with database(kind, scratch, postgres) as url:
        parts = breakdown(path, fmt, url, scratch / "index")
        shutil.rmtree(scratch / "index")
    medians = {}
    for name, pairs in runs_of.items():
        medians[f"{name}_s"] = statistics.median(wall for wall, _ in pairs)
        medians[f"{name}_cpu"] = statistics.median(cpu for _, cpu in pairs)
    return {**medians, **parts}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--claims", type=int, default=100_000, help="fact-checks per file")
    parser.add_argument("--runs", type=int, default=3, help="imports per format (the median is reported)")
    parser.add_argument("--formats", default=",".join(FILE_FORMATS), help="comma-separated file shapes")
    parser.add_argument(
        "--postgres", metavar="URL", help="also measure on PostgreSQL (a throwaway database on this server)"
    )
    args = parser.parse_args(argv)
    kinds = ["sqlite"] + (["postgres"] if args.postgres else [])
    corpus = Corpus(args.claims)
    print(
        f"{'database':<9} {'format':<18} {'MB':>6} {'import s':>9} {'claims/s':>9} {'CPU s':>6} {'/CPU-s':>7} "
        f"{'re-import s':>11} {'claims/s':>9} {'indexed s':>9} {'claims/s':>9} {'CPU s':>6} {'/CPU-s':>7} "
        f"{'read s':>7} {'store s':>8} {'index s':>8}"
    )
    with tempfile.TemporaryDirectory(prefix="import-speed-") as tmp:
        scratch = Path(tmp)
        files = {}
        for shape in args.formats.split(","):
            suffix, _ = FILE_FORMATS[shape]
            files[shape] = write_file(corpus, scratch / f"claims-{shape}{suffix}", shape)
        for kind in kinds:
            for shape, path in files.items():
                r = measure(shape, path, args.claims, args.runs, kind, scratch, args.postgres)
                n = args.claims
                print(
                    f"{kind:<9} {shape:<18} {path.stat().st_size / 1e6:>6.1f} {r['import_s']:>9.2f} "
                    f"{n / r['import_s']:>9,.0f} {r['import_cpu']:>6.1f} {n / r['import_cpu']:>7,.0f} "
                    f"{r['reimport_s']:>11.2f} {n / r['reimport_s']:>9,.0f} {r['indexed_s']:>9.2f} "
                    f"{n / r['indexed_s']:>9,.0f} {r['indexed_cpu']:>6.1f} {n / r['indexed_cpu']:>7,.0f} "
                    f"{r['read_s']:>7.2f} {r['store_s']:>8.2f} {r['index_s']:>8.2f}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
