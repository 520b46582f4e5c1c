"""Column types that store personal data encrypted, while Python code sees plaintext.

Services keep reading and writing ``casualty.names`` as a list of dicts; the database holds
``v1:<key id>:<nonce+ciphertext>`` (AES-256-GCM, see :mod:`civharm.security.vault`). The
column's name is authenticated with the value, so ciphertext copied into another column
does not decrypt. Values written before encryption was introduced (plain JSON or text)
are still read, and are encrypted when next written or by ``civharm init``.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from civharm.security.vault import CIPHERTEXT_PREFIX, vault_for


def is_ciphertext(value: str | None) -> bool:
    return value is not None and value.startswith(CIPHERTEXT_PREFIX + ":")


class EncryptedText(TypeDecorator[str]):
    """Text encrypted at rest. ``context`` names the column, e.g. ``"casualties.notes"``."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return vault_for(dialect).encrypt(value.encode(), context=self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not is_ciphertext(value):
            return value  # NULL, or plaintext written before encryption
        return vault_for(dialect).decrypt(value, context=self.context).decode()


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON value (list, dict, ...) encrypted at rest as one ciphertext."""

    impl = Text
    cache_ok = True

    def __init__(self, context: str) -> None:
        super().__init__()
        self.context = context

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        plaintext = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return vault_for(dialect).encrypt(plaintext.encode(), context=self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not is_ciphertext(value):
            return json.loads(value)  # plaintext JSON written before encryption
        return json.loads(vault_for(dialect).decrypt(value, context=self.context))
