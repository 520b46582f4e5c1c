"""The key kept outside the database: it encrypts personal fields and seals the audit chain.

One key file (JSON, mode 0600) holds one or more 256-bit secrets. The newest encrypts new
values; older ones still decrypt what they encrypted, so a key can be rotated without
re-encrypting everything at once. The oldest also seals the audit chain (an HMAC), so a
database-only attacker cannot rewrite the chain and recompute its hashes.

Engines carry their vault (``attach_vault``). An engine without one falls back to the key
file named by the settings (``CIVHARM_KEY_FILE`` or ``data_dir/keys/civharm.key``), so
every process of an installation finds the same key; with neither, writes of personal
fields and audited records fail rather than go unprotected.

Example::

    vault = Vault.create(Path("/srv/civharm/keys/civharm.key"))
    engine = attach_vault(create_db_engine(url), vault)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine
from sqlalchemy.engine import Dialect

from civharm.config import Settings, load_settings
from civharm.db.base import utcnow
from civharm.errors import ConfigurationError

KEY_FILE_FORMAT = "civharm-key"
CIPHERTEXT_PREFIX = "v1"
_NONCE_BYTES = 12


def _derive(secret: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(secret)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Vault:
    """Secrets loaded from a key file, with the operations that use them."""

    #: ``(key id, secret)`` pairs, oldest first.
    keys: tuple[tuple[str, bytes], ...]
    #: Where checkpoints of the audit chain's head are written (beside the key).
    anchor_dir: Path
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False, compare=False)
    _seal_key: bytes = field(default=b"", repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.keys:
            raise ConfigurationError("a key file must hold at least one key")
        for key_id, secret in self.keys:
            self._ciphers[key_id] = AESGCM(_derive(secret, "civharm/field-encryption/v1"))
        object.__setattr__(self, "_seal_key", _derive(self.keys[0][1], "civharm/audit-chain/v1"))

    @property
    def current_key_id(self) -> str:
        return self.keys[-1][0]

    def encrypt(self, plaintext: bytes, *, context: str) -> str:
        """AES-256-GCM with a random nonce; ``context`` (e.g. ``casualties.names``) is authenticated."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._ciphers[self.current_key_id].encrypt(nonce, plaintext, context.encode())
        return f"{CIPHERTEXT_PREFIX}:{self.current_key_id}:{_b64(nonce + sealed)}"

    def decrypt(self, token: str, *, context: str) -> bytes:
        try:
            prefix, key_id, body = token.split(":", 2)
        except ValueError:
            raise ConfigurationError(f"a value of {context} is not civharm ciphertext") from None
        cipher = self._ciphers.get(key_id)
        if prefix != CIPHERTEXT_PREFIX or cipher is None:
            raise ConfigurationError(
                f"a value of {context} was encrypted with key {key_id!r}, which the key file does not hold"
            )
        data = _unb64(body)
        try:
            return cipher.decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], context.encode())
        except InvalidTag:
            raise ConfigurationError(f"a value of {context} was altered or belongs elsewhere") from None

    def seal(self, previous_hash: str, body: bytes) -> str:
        """The audit chain's link: HMAC-SHA256 over the previous hash and the canonical entry."""
        mac = hmac.new(self._seal_key, digestmod=hashlib.sha256)
        mac.update(previous_hash.encode())
        mac.update(b"\n")
        mac.update(body)
        return mac.hexdigest()

    # --- the key file ---------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> Vault:
        """Read a key file, refusing one that other users could read."""
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise ConfigurationError(
                f"no civharm key at {path}; run `civharm init` (or set CIVHARM_KEY_FILE)"
            ) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigurationError(
                f"key file {path} can be read by other users (mode {stat.S_IMODE(mode):04o}); "
                f"run: chmod 600 {path}"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != KEY_FILE_FORMAT:
                raise ValueError("not a civharm key file")
            keys = tuple((str(k["id"]), _unb64(str(k["secret"]))) for k in data["keys"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigurationError(f"key file {path} cannot be read: {exc}") from exc
        if any(len(secret) != 32 for _, secret in keys):
            raise ConfigurationError(f"key file {path} holds a key that is not 256 bits long")
        return cls(keys=keys, anchor_dir=path.parent / "audit-anchors")

    @classmethod
    def create(cls, path: Path) -> Vault:
        """Write a new key file readable only by its owner; refuse to overwrite one."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        document = {"format": KEY_FILE_FORMAT, "keys": [_new_key()]}
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise ConfigurationError(f"key file {path} exists already; it was not replaced") from None
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2)
        return cls.load(path)

    @classmethod
    def ensure(cls, path: Path) -> tuple[Vault, bool]:
        """The vault at ``path``, created if absent; the flag says whether it was created."""
        if path.exists():
            return cls.load(path), False
        return cls.create(path), True

    @classmethod
    def for_settings(cls, settings: Settings) -> Vault:
        return cls.load(settings.effective_key_file)


def add_key(path: Path) -> str:
    """Append a new key to a key file; it encrypts from now on. Returns its id."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    key = _new_key()
    data["keys"].append(key)
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2)
    temporary.replace(path)
    return str(key["id"])


def _new_key() -> dict[str, str]:
    return {
        "id": secrets.token_hex(4),
        "secret": _b64(secrets.token_bytes(32)),
        "created": utcnow().isoformat(),
    }


_VAULT_ATTRIBUTE = "civharm_vault"


def attach_vault(engine: Engine, vault: Vault) -> Engine:
    """Give ``engine`` its vault. Column types find it through the engine's dialect."""
    setattr(engine.dialect, _VAULT_ATTRIBUTE, vault)
    return engine


def vault_for(dialect: Dialect) -> Vault:
    """The vault of the engine behind ``dialect``; else the key file the settings name,
    which then stays with that engine."""
    vault = getattr(dialect, _VAULT_ATTRIBUTE, None)
    if isinstance(vault, Vault):
        return vault
    vault = Vault.load(load_settings().effective_key_file)
    setattr(dialect, _VAULT_ATTRIBUTE, vault)
    return vault
