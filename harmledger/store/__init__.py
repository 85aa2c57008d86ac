"""Store stage: the ledger database (SQLite by default, PostgreSQL through SQLAlchemy)."""

from .ledger import IngestStats, Ledger, Problem, VerifyReport, db_url

__all__ = ["IngestStats", "Ledger", "Problem", "VerifyReport", "db_url"]
