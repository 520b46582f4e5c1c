"""Fixtures for the security tests."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type

from civharm.security import passwords


@pytest.fixture(autouse=True)
def quick_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real Argon2id with small parameters: production's 64 MiB x 3 passes costs seconds per
    test on a busy two-core machine. ``test_passwords_are_stored_as_argon2id_hashes`` checks
    the production parameters themselves."""
    monkeypatch.setattr(
        passwords, "HASHER", PasswordHasher(time_cost=1, memory_cost=256, parallelism=1, type=Type.ID)
    )
    passwords._dummy_hash.cache_clear()
