"""Password hashing (Argon2id) and the rules a new password must meet."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from civharm.errors import ValidationError

MIN_LENGTH = 12
MAX_LENGTH = 1024

#: RFC 9106's second recommended option: Argon2id, 64 MiB, 3 passes, 4 lanes.
PRODUCTION_HASHER = PasswordHasher(
    time_cost=3, memory_cost=64 * 1024, parallelism=4, hash_len=32, salt_len=16, type=Type.ID
)
#: The hasher in use (tests swap in cheaper parameters to stay fast).
HASHER = PRODUCTION_HASHER


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong name takes as long as a wrong password."""
    return HASHER.hash("civharm: no such user, but take the same time")


def check_new_password(password: str, *, username: str) -> None:
    """Refuse passwords that are too short, too long, or the user name itself."""
    if len(password) < MIN_LENGTH:
        raise ValidationError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise ValidationError(f"a password may have at most {MAX_LENGTH} characters")
    if password.strip().lower() == username.lower():
        raise ValidationError("a password must not be the user name")


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends the time of one Argon2id verification."""
    try:
        return HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
