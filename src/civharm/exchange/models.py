"""Tables of the exchange: saved column mappings, the release log, requests for information, and
where imported records came from (so a repeated import adds nothing)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from civharm.db.base import Base, PortableJSON, utcnow
from civharm.db.types import str_enum
from civharm.security.audit import track_state


class ColumnMapping(Base):
    """A spreadsheet layout mapped once to report fields and reused for every later file."""

    __tablename__ = "column_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    #: ``{report field: source column}``, plus ``"source_key"`` for the column holding the row's id.
    columns: Mapped[dict[str, str]] = mapped_column(PortableJSON, default=dict)
    #: Values given to every report of the file: ``{"source_name": "OCHA", "source_type": "un"}``.
    defaults: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReleaseStatus(StrEnum):
    #: Waiting for a second person's approval; nothing has left the store.
    PENDING = "pending"
    RELEASED = "released"
    REFUSED = "refused"


class Release(Base):
    """One export to one organisation: what, to whom, when, requested and approved by whom."""

    __tablename__ = "releases"
    __table_args__ = (Index("ix_releases_organisation", "organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[str] = mapped_column(String(200))
    format: Mapped[str] = mapped_column(String(20))
    #: The filters the export was made with (as given on the command line or in the API).
    filters: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[ReleaseStatus] = mapped_column(str_enum(ReleaseStatus), default=ReleaseStatus.PENDING)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    approval_required: Mapped[bool] = mapped_column(default=False)
    approved_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    released_at: Mapped[datetime | None]
    file_name: Mapped[str | None] = mapped_column(String(500))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    #: The codes of the incidents released, and how many records of each kind.
    incident_codes: Mapped[list[str]] = mapped_column(default=list)
    record_counts: Mapped[dict[str, int]] = mapped_column(PortableJSON, default=dict)


class RequestStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"


class InformationRequest(Base):
    """A structured request for information sent to a partner or an outside expert."""

    __tablename__ = "information_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The organisation or person asked.
    recipient: Mapped[str] = mapped_column(String(200))
    questions: Mapped[list[str]] = mapped_column(default=list)
    incident_codes: Mapped[list[str]] = mapped_column(default=list)
    deadline: Mapped[date | None]
    status: Mapped[RequestStatus] = mapped_column(str_enum(RequestStatus), default=RequestStatus.OPEN)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: SHA-256 of the answer link's token (the token itself is shown once, to the requester).
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(200))
    #: The reports the answer became, one per incident asked about.
    answer_report_ids: Mapped[list[int]] = mapped_column(PortableJSON, default=list)


class RecordOrigin(Base):
    """Which local record an imported record became, keyed by where it came from.

    ``origin`` names the sending instance (its store id) or the file's source system; ``kind``
    is ``incident``, ``report``, ``casualty`` or ``count``; ``ref`` is the sender's own
    reference (incident code, report id, pseudonym).
    """

    __tablename__ = "record_origins"
    __table_args__ = (UniqueConstraint("origin", "kind", "ref", name="uq_record_origins_origin_kind_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(200))
    local_id: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


# Every write to these tables goes through a session, so `civharm audit verify` can check them.
for _table in ("column_mappings", "releases", "information_requests", "record_origins"):
    track_state(_table)
