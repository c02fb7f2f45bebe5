"""Repositories: they hide the ORM, return domain objects and never commit."""
