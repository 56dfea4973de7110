"""Persistence: tables, the database connection and schema migrations."""

from .database import Store
from .models import Base, Contribution, Participant, Workshop

__all__ = ["Base", "Contribution", "Participant", "Store", "Workshop"]
