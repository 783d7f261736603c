"""Every row of every table, for tests that must show an action changed nothing, or left no trace of someone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, text

TABLES = ("claim", "wording", "verdict", "source", "submission", "subscription", "person", "audit", "outbox")


def dump(url: str) -> dict[str, list[dict[str, Any]]]:
    """Each table's rows (as dicts), ordered by their key."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = {}
            for table in TABLES:
                key = "user_id" if table == "person" else "id"
                result = conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))
                tables[table] = [dict(row._mapping) for row in result.all()]
            return tables
    finally:
        engine.dispose()


def cells(url: str) -> list[tuple[str, str, Any]]:
    """Every cell of every table: (table, column, value)."""
    return [
        (table, column, value)
        for table, rows in dump(url).items()
        for row in rows
        for column, value in row.items()
    ]
