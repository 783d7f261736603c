"""wording ids follow commit order on PostgreSQL: a transaction inserting wordings holds a lock until it ends

The match index takes new wordings by id, above the highest it holds (`claims.indexing`). PostgreSQL hands ids
out at insert time, so a wording whose transaction committed after one with a higher id (an import running while
the bot queued people's texts) was skipped for good. A statement-level trigger, which runs before the statement
draws its first id, takes a transaction-level advisory lock for every writer (the bot, the CLI, hand-written
SQL): the next transaction inserting wordings draws its ids only after this one has committed or rolled back.
SQLite has one writer at a time and needs nothing.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

WORDING_LOCK_KEY = 7_204_118  # claims.db.WORDING_LOCK_KEY, frozen here as this revision wrote it


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        f"""
        CREATE FUNCTION wording_ids_in_commit_order() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock({WORDING_LOCK_KEY});
            RETURN NULL;
        END $$
        """
    )
    op.execute(
        "CREATE TRIGGER wording_ids_in_commit_order BEFORE INSERT ON wording "
        "FOR EACH STATEMENT EXECUTE FUNCTION wording_ids_in_commit_order()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS wording_ids_in_commit_order ON wording")
    op.execute("DROP FUNCTION IF EXISTS wording_ids_in_commit_order()")
