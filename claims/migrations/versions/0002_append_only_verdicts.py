"""verdict history is append-only: the database refuses to change or delete a verdict or its sources

The service never updates a verdict (a correction is a new row); these triggers make that hold for every other
writer too (a bug, a hand-written SQL fix, another program on the same database). One change is allowed:
`claims forget` blanks the reviewer's id and name (their personal data); nothing else may change.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

MESSAGE = "verdict history is append-only"
# Every verdict column but the two `forget` may blank (reviewer_id, reviewer_name).
KEPT = (
    "id",
    "claim_id",
    "rating",
    "textual_rating",
    "summary",
    "publisher",
    "publisher_url",
    "review_url",
    "headline",
    "lang",
    "published_at",
    "created_at",
    "supersedes_id",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgres_upgrade()


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("verdict_no_delete", "verdict_only_forget", "source_no_delete", "source_no_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for table in ("verdict", "source"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS verdict_append_only()")
        op.execute("DROP FUNCTION IF EXISTS source_append_only()")


def _sqlite_upgrade() -> None:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in KEPT)
    blanked_only = (
        "(NEW.reviewer_id IS NOT OLD.reviewer_id AND NEW.reviewer_id IS NOT NULL) "
        "OR (NEW.reviewer_name IS NOT OLD.reviewer_name AND NEW.reviewer_name IS NOT NULL)"
    )
    op.execute(
        f"CREATE TRIGGER verdict_no_delete BEFORE DELETE ON verdict "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    op.execute(
        f"CREATE TRIGGER verdict_only_forget BEFORE UPDATE ON verdict WHEN {changed} OR {blanked_only} "
        f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    op.execute(
        f"CREATE TRIGGER source_no_delete BEFORE DELETE ON source BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )
    op.execute(
        f"CREATE TRIGGER source_no_update BEFORE UPDATE ON source BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
    )


def _postgres_upgrade() -> None:
    op.execute(
        f"""
        CREATE FUNCTION verdict_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE'
               OR to_jsonb(NEW) - 'reviewer_id' - 'reviewer_name'
                  IS DISTINCT FROM to_jsonb(OLD) - 'reviewer_id' - 'reviewer_name'
               OR (NEW.reviewer_id IS NOT NULL AND NEW.reviewer_id IS DISTINCT FROM OLD.reviewer_id)
               OR (NEW.reviewer_name IS NOT NULL AND NEW.reviewer_name IS DISTINCT FROM OLD.reviewer_name)
            THEN
                RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        f"""
        CREATE FUNCTION source_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END $$
        """
    )
    for table in ("verdict", "source"):
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
        )
