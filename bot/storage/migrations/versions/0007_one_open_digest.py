"""One staff digest waiting or being sent at a time, enforced by a partial unique index.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

OPEN = "kind = 'staff_digest' AND status IN ('pending', 'sending')"


def upgrade() -> None:
    # Two processes may already have planned two: keep the earliest, drop the others.
    op.execute(
        sa.text(
            f"UPDATE outbox SET status = 'dropped' WHERE {OPEN} AND id > "
            f"(SELECT MIN(id) FROM outbox WHERE {OPEN})"
        )
    )
    op.create_index(
        "uq_outbox_one_open_digest",
        "outbox",
        ["kind"],
        unique=True,
        sqlite_where=sa.text(OPEN),
        postgresql_where=sa.text(OPEN),
    )


def downgrade() -> None:
    op.drop_index("uq_outbox_one_open_digest", table_name="outbox")
