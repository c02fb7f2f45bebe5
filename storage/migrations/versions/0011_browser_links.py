"""Plain-browser links: a teacher may let student links open the portal without Telegram.

Off by default: a link then works only inside Telegram, where the Mini App proves who opens
it. Turned on, `/book/<teacher>/<token>` serves the portal to anyone holding the link.

Revision ID: 0011_browser_links
Revises: 0010_api_keys
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_browser_links"
down_revision = "0010_api_keys"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "teachers",
        sa.Column("browser_links", sa.Boolean(), server_default=sa.false(), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("teachers", "browser_links")
