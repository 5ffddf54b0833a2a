"""Pre-registration forms, HR accounts of sponsors and their hires.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.tables import UtcDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "preregistrations",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.String(length=60000), nullable=False),
        sa.Column("consent_at", UtcDateTime(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_preregistrations_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_preregistrations")),
    )
    op.create_index("ix_preregistrations_user_id", "preregistrations", ["user_id"])
    op.create_table(
        "hr_accounts",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kvk", sa.String(length=8), nullable=False),
        sa.Column("email", sa.String(length=1000), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("notify", sa.Boolean(), nullable=False),
        sa.Column("alert_message_id", sa.BigInteger(), nullable=True),
        sa.Column("requested_at", UtcDateTime(), nullable=False),
        sa.Column("decided_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_hr_accounts")),
    )
    op.create_index("ix_hr_accounts_kvk", "hr_accounts", ["kvk"])
    op.create_table(
        "hires",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kvk", sa.String(length=8), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.String(length=4000), nullable=False),
        sa.Column("arrival_date", sa.Date(), nullable=False),
        sa.Column("route", sa.String(length=30), nullable=False),
        sa.Column("municipality", sa.String(length=60), nullable=False),
        sa.Column("family_count", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("token_expires_at", UtcDateTime(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("confirmed_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hires")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_hires_token_hash")),
    )
    op.create_index("ix_hires_kvk", "hires", ["kvk"])
    op.create_index("ix_hires_user_id", "hires", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_hires_user_id", table_name="hires")
    op.drop_index("ix_hires_kvk", table_name="hires")
    op.drop_table("hires")
    op.drop_index("ix_hr_accounts_kvk", table_name="hr_accounts")
    op.drop_table("hr_accounts")
    op.drop_index("ix_preregistrations_user_id", table_name="preregistrations")
    op.drop_table("preregistrations")
