"""A per-worker cache of JSON API answers, dropped the moment anything in the store changes.

Reads vastly outnumber writes in the web app (lists, maps and dashboards are reloaded all
day), so each worker process keeps the last answers to ``GET /api/v1/...`` in memory, keyed
by *who asked* (username, role, organisation — so visibility is never shared between
readers) and the exact URL. Before serving from the cache it asks the database for its
**data version**, a value that changes whenever any connection commits a write:

* SQLite: ``PRAGMA data_version`` on a connection this worker keeps for nothing else — it
  changes when any other connection (this worker's pool, another worker, a CLI import)
  commits;
* PostgreSQL: ``pg_current_snapshot()``, which moves whenever a writing transaction begins or
  ends (reading transactions take no transaction id and leave it alone).

A mismatch empties the cache, so an answer is never older than the last committed write.
Handlers opt out of caching with ``Cache-Control: no-store`` — the incident dossier does so
whenever it showed restricted names, because every such read must reach the audit trail.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Bodies larger than this are not kept (a map of 20,000 points, say).
MAX_BODY_BYTES = 1_000_000
API_PREFIX = "/api/v1/"


class DataVersion:
    """A cheap value that changes whenever a write is committed to the store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None
        if engine.dialect.name == "sqlite":
            database = engine.url.database
            if not database or database == ":memory:":
                raise ValueError("the response cache needs a file-backed SQLite store")
            self._sqlite = sqlite3.connect(database, check_same_thread=False)

    def current(self) -> str:
        if self._sqlite is not None:
            with self._lock:
                return str(self._sqlite.execute("PRAGMA data_version").fetchone()[0])
        with self.engine.connect() as connection:
            return str(connection.execute(text("SELECT pg_current_snapshot()::text")).scalar_one())

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()


@dataclass(frozen=True)
class Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class ResponseCache:
    """A bounded least-recently-used store of answers, valid for one data version."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.version: str | None = None
        self.entries: OrderedDict[tuple[str, ...], Entry] = OrderedDict()
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...], version: str) -> Entry | None:
        with self._lock:
            if version != self.version:
                self.entries.clear()
                self.version = version
                return None
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: tuple[str, ...], version: str, entry: Entry) -> None:
        with self._lock:
            if version != self.version:
                return  # the store changed while this answer was being computed
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.capacity:
                self.entries.popitem(last=False)


def _reader_key(scope: Scope) -> tuple[str, ...] | None:
    """Who is asking, as far as visibility goes; ``None`` when nobody is signed in."""
    principal: Any = scope.get("state", {}).get("principal")
    if principal is None:
        return None
    return (principal.username, str(principal.role), principal.organisation or "")


class ResponseCacheMiddleware:
    """Serves repeated ``GET /api/v1/...`` answers from :class:`ResponseCache` (pure ASGI).

    It must run inside the authentication middleware, which sets the principal.
    """

    def __init__(self, app: ASGIApp, cache: ResponseCache, version: DataVersion) -> None:
        self.app, self.cache, self.version = app, cache, version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        reader = _reader_key(scope)
        if reader is None:
            await self.app(scope, receive, send)
            return
        key = (*reader, scope["path"], scope.get("query_string", b"").decode("latin-1"))
        version = self.version.current()
        entry = self.cache.get(key, version)
        if entry is not None:
            self.cache.hits += 1
            await send(
                {
                    "type": "http.response.start",
                    "status": entry.status,
                    "headers": [*entry.headers, (b"x-cache", b"hit")],
                }
            )
            await send({"type": "http.response.body", "body": entry.body})
            return
        self.cache.misses += 1
        await self._call_and_keep(scope, receive, send, key, version)

    async def _call_and_keep(
        self, scope: Scope, receive: Receive, send: Send, key: tuple[str, ...], version: str
    ) -> None:
        start: Message | None = None
        chunks: list[bytes] = []
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                start = message
                headers = dict(message.get("headers", []))
                no_store = b"no-store" in headers.get(b"cache-control", b"")
                keep = message["status"] == 200 and not no_store
                message = {**message, "headers": [*message.get("headers", []), (b"x-cache", b"miss")]}
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(len(c) for c in chunks) > MAX_BODY_BYTES:
                    keep = False
            await send(message)

        await self.app(scope, receive, capture)
        if keep and start is not None:
            self.cache.put(
                key, version, Entry(start["status"], list(start.get("headers", [])), b"".join(chunks))
            )
