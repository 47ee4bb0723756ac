"""Persistence: SQLAlchemy tables, the transaction that implements the services' store port, migrations."""
