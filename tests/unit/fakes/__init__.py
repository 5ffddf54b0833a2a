"""In-memory implementations of the storage Protocols, for fast tests of the real dialogs."""

from tests.unit.fakes.tables import ConstraintBroken, Tables
from tests.unit.fakes.unit_of_work import MemoryDatabase, MemoryUnitOfWork

__all__ = ["ConstraintBroken", "MemoryDatabase", "MemoryUnitOfWork", "Tables"]
