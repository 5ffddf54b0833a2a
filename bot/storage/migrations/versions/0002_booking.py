"""Eligibility results, bookings with capacity enforced by the database, closures, waitlist.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.tables import UtcDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "eligibility_results",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("outcome", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_eligibility_results")),
    )
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("location_id", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_at", UtcDateTime(), nullable=False),
        sa.Column("end_at", UtcDateTime(), nullable=False),
        sa.Column("visits", sa.JSON(), nullable=False),
        sa.Column("party", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("reference", name=op.f("uq_bookings_reference")),
    )
    op.create_index("ix_bookings_user_id", "bookings", ["user_id"])
    op.create_index("ix_bookings_day", "bookings", ["day"])
    op.create_index(
        "uq_bookings_one_active_per_user",
        "bookings",
        ["user_id"],
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "booking_cells",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("desk", sa.String(length=40), nullable=False),
        sa.Column("slot_start", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_booking_cells_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", "desk", "slot_start", name=op.f("pk_booking_cells")),
    )
    op.create_table(
        "slot_usage",
        sa.Column("location_id", sa.String(length=40), nullable=False),
        sa.Column("desk", sa.String(length=40), nullable=False),
        sa.Column("slot_start", UtcDateTime(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "used >= 0 AND used <= capacity", name=op.f("ck_slot_usage_within_capacity")
        ),
        sa.PrimaryKeyConstraint("location_id", "desk", "slot_start", name=op.f("pk_slot_usage")),
    )
    op.create_table(
        "closures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("location_id", sa.String(length=40), nullable=False),
        sa.Column("desk", sa.String(length=40), nullable=True),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_closures")),
    )
    op.create_index("ix_closures_location_id", "closures", ["location_id"])
    op.create_table(
        "waitlist",
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("notified_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_waitlist_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("booking_id", name=op.f("pk_waitlist")),
    )
    op.create_index("ix_waitlist_created_at", "waitlist", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_waitlist_created_at", table_name="waitlist")
    op.drop_table("waitlist")
    op.drop_index("ix_closures_location_id", table_name="closures")
    op.drop_table("closures")
    op.drop_table("slot_usage")
    op.drop_table("booking_cells")
    op.drop_index("uq_bookings_one_active_per_user", table_name="bookings")
    op.drop_index("ix_bookings_day", table_name="bookings")
    op.drop_index("ix_bookings_user_id", table_name="bookings")
    op.drop_table("bookings")
    op.drop_table("eligibility_results")
