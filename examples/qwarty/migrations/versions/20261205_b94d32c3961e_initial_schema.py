"""initial schema.

Written by `scaffold migrate` from the change of the specs:

- create table users (user)
- create table artists (artist)
- create table artworks (artwork)
- create table exhibitions (exhibition)
- create table exhibition_catalogue_entries (exhibition_catalogue_entry)
- create table messages (message)
- create table notifications (notification)
- create table subscriptions (subscription)

Revision ID: b94d32c3961e
Revises: 
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from backend.db import migration as m
from backend.db.types import UtcDateTime

revision: str = "b94d32c3961e"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Bring the database to the specs of this revision."""
    op.create_table(
        "users",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("is_admin", sa.Boolean(), nullable=False),
        sa.Column("role", sa.Enum("member", "curator", "admin", name="users_role"), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email", name="uq_users_email"),
    )
    op.create_index(op.f("ix_users_role"), "users", ["role"])
    op.create_table(
        "artists",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("born", sa.Date(), nullable=True),
        sa.Column("website", sa.String(length=255), nullable=True),
        sa.Column("rating", sa.Float(), nullable=True),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_artists_user_id", ondelete="SET NULL"),
        sa.UniqueConstraint("name", name="uq_artists_name"),
    )
    op.create_index(op.f("ix_artists_user_id"), "artists", ["user_id"])
    op.create_table(
        "artworks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("price", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.Column("medium", sa.Enum("oil", "acrylic", "watercolor", "digital", name="artworks_medium"), nullable=False),
        sa.Column("isbn", sa.String(length=255), nullable=True),
        sa.Column("sku", sa.Uuid(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=True),
        sa.Column("sold_at", UtcDateTime(), nullable=True),
        sa.Column("artist_id", sa.String(length=36), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], name="fk_artworks_artist_id", ondelete="RESTRICT"),
        sa.UniqueConstraint("isbn", name="uq_artworks_isbn"),
        sa.UniqueConstraint("sku", name="uq_artworks_sku"),
    )
    op.create_index(op.f("ix_artworks_medium"), "artworks", ["medium"])
    op.create_index(op.f("ix_artworks_artist_id"), "artworks", ["artist_id"])
    op.create_table(
        "exhibitions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("venue", sa.String(length=120), nullable=True),
        sa.Column("ticket_price", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("curator_id", sa.String(length=36), nullable=True),
        sa.Column("featured_artwork_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["curator_id"], ["users.id"], name="fk_exhibitions_curator_id", ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["featured_artwork_id"], ["artworks.id"], name="fk_exhibitions_featured_artwork_id", ondelete="SET NULL"),
    )
    op.create_index(op.f("ix_exhibitions_curator_id"), "exhibitions", ["curator_id"])
    op.create_index(op.f("ix_exhibitions_featured_artwork_id"), "exhibitions", ["featured_artwork_id"])
    op.create_table(
        "exhibition_catalogue_entries",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("exhibition_id", sa.Uuid(), nullable=False),
        sa.Column("artwork_id", sa.Integer(), nullable=True),
        sa.Column("curatorial_review_state", sa.Enum("proposed", "reviewed", "approved", name="exhibition_catalogue_entries_curatorial_review_state"), nullable=False),
        sa.Column("publication_status", sa.Enum("internal", "public", name="exhibition_catalogue_entries_publication_status"), nullable=True),
        sa.Column("insurance_value_in_euros_total", sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column("catalogue_text", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["exhibition_id"], ["exhibitions.id"], name="fk_exhibition_catalogue_entries_exhibition_id", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["artwork_id"], ["artworks.id"], name="fk_exhibition_catalogue_entries_artwork_id", ondelete="SET NULL"),
    )
    op.create_index(op.f("ix_exhibition_catalogue_entries_exhibition_id"), "exhibition_catalogue_entries", ["exhibition_id"])
    op.create_index(op.f("ix_exhibition_catalogue_entries_artwork_id"), "exhibition_catalogue_entries", ["artwork_id"])
    op.create_index(op.f("ix_exhibition_catalogue_entries_publication_status"), "exhibition_catalogue_entries", ["publication_status"])
    op.create_table(
        "messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sender_id", sa.String(length=36), nullable=False),
        sa.Column("recipient_id", sa.String(length=36), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("read", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["sender_id"], ["users.id"], name="fk_messages_sender_id", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recipient_id"], ["users.id"], name="fk_messages_recipient_id", ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_messages_sender_id"), "messages", ["sender_id"])
    op.create_index(op.f("ix_messages_recipient_id"), "messages", ["recipient_id"])
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.Enum("message", "follow", "system", name="notifications_kind"), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("seen_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_notifications_user_id", ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_notifications_user_id"), "notifications", ["user_id"])
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("artist_id", sa.String(length=36), nullable=False),
        sa.Column("tier", sa.Enum("free", "patron", name="subscriptions_tier"), nullable=False),
        sa.Column("monthly_amount", sa.Numeric(precision=8, scale=2), nullable=True),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("renewals", sa.Integer(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_subscriptions_user_id", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], name="fk_subscriptions_artist_id", ondelete="CASCADE"),
    )
    op.create_index(op.f("ix_subscriptions_user_id"), "subscriptions", ["user_id"])
    op.create_index(op.f("ix_subscriptions_artist_id"), "subscriptions", ["artist_id"])


def downgrade() -> None:
    """Bring the database back to the specs of the revision before."""
    op.drop_index(op.f("ix_subscriptions_user_id"), table_name="subscriptions")
    op.drop_index(op.f("ix_subscriptions_artist_id"), table_name="subscriptions")
    op.drop_table("subscriptions")
    m.drop_enum("subscriptions_tier")
    op.drop_index(op.f("ix_notifications_user_id"), table_name="notifications")
    op.drop_table("notifications")
    m.drop_enum("notifications_kind")
    op.drop_index(op.f("ix_messages_sender_id"), table_name="messages")
    op.drop_index(op.f("ix_messages_recipient_id"), table_name="messages")
    op.drop_table("messages")
    op.drop_index(op.f("ix_exhibition_catalogue_entries_exhibition_id"), table_name="exhibition_catalogue_entries")
    op.drop_index(op.f("ix_exhibition_catalogue_entries_artwork_id"), table_name="exhibition_catalogue_entries")
    op.drop_index(op.f("ix_exhibition_catalogue_entries_publication_status"), table_name="exhibition_catalogue_entries")
    op.drop_table("exhibition_catalogue_entries")
    m.drop_enum("exhibition_catalogue_entries_curatorial_review_state")
    m.drop_enum("exhibition_catalogue_entries_publication_status")
    op.drop_index(op.f("ix_exhibitions_curator_id"), table_name="exhibitions")
    op.drop_index(op.f("ix_exhibitions_featured_artwork_id"), table_name="exhibitions")
    op.drop_table("exhibitions")
    op.drop_index(op.f("ix_artworks_medium"), table_name="artworks")
    op.drop_index(op.f("ix_artworks_artist_id"), table_name="artworks")
    op.drop_table("artworks")
    m.drop_enum("artworks_medium")
    op.drop_index(op.f("ix_artists_user_id"), table_name="artists")
    op.drop_table("artists")
    op.drop_index(op.f("ix_users_role"), table_name="users")
    op.drop_table("users")
    m.drop_enum("users_role")
