"""Join the two API branches' migrations (no schema change) so this branch has one head.

The integrator re-chains 0010_api_keys and 0011_browser_links in a line; this file then goes.

Revision ID: 0012_merge_api_branches
Revises: 0010_api_keys, 0011_browser_links
Create Date: 2026-12-01 13:10:00
"""

from __future__ import annotations

revision = "0012_merge_api_branches"
down_revision = ("0010_api_keys", "0011_browser_links")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: both parents' tables and columns are already there."""


def downgrade() -> None:
    """Nothing to undo."""
