"""Releases: exports to an organisation, made through the policy, approved if required, always logged.

An export asked for with ``needs_approval`` writes nothing until a second person with the
approve permission approves it; the file is then made from the store as it is at approval.
Every release that leaves the store is logged (what, to whom, when, requested and approved by
whom, the file's SHA-256) and entered in the audit chain.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from civharm.db.base import utcnow
from civharm.errors import NotFoundError, ValidationError
from civharm.exchange.models import Release, ReleaseStatus
from civharm.exchange.view import collect, filters_as_dict, filters_from_dict
from civharm.exchange.writers import FORMATS
from civharm.incidents.service import IncidentFilter
from civharm.security.audit import PendingEntry
from civharm.security.capture import add_pending
from civharm.security.policy import Action, require
from civharm.security.principal import Principal


def export(
    session: Session,
    *,
    fmt: str,
    organisation: str,
    output: Path,
    actor: Principal,
    filters: IncidentFilter | None = None,
    needs_approval: bool = False,
) -> Release:
    """Export what ``organisation`` may see to ``output`` (or, with ``needs_approval``, ask for approval).

    Example: ``export(s, fmt="geojson", organisation="UNHCR", output=Path("x.geojson"), actor=me)``
    """
    require(actor, Action.EXPORT)
    if fmt not in FORMATS:
        raise ValidationError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if not organisation.strip():
        raise ValidationError("say which organisation the export is for with --to")
    release = Release(
        organisation=organisation.strip(),
        format=fmt,
        filters=filters_as_dict(filters or IncidentFilter()),
        requested_by=actor.username,
        approval_required=needs_approval,
        file_name=str(output),
    )
    session.add(release)
    session.flush()
    if not needs_approval:
        _write(session, release, output, by=actor.username)
    return release


def approve(
    session: Session, *, release_id: int, approver: Principal, output: Path | None = None, note: str = ""
) -> Release:
    """A second person approves a pending release; the file is written now."""
    require(approver, Action.APPROVE)
    release = _pending(session, release_id)
    if approver.username == release.requested_by:
        raise ValidationError("a release must be approved by someone other than the person who asked for it")
    release.approved_by, release.decided_at, release.note = approver.username, utcnow(), note or None
    _write(
        session, release, output or Path(release.file_name or f"release-{release.id}"), by=approver.username
    )
    return release


def refuse(session: Session, *, release_id: int, approver: Principal, note: str) -> Release:
    require(approver, Action.APPROVE)
    release = _pending(session, release_id)
    if not note.strip():
        raise ValidationError("say why the release is refused")
    release.status, release.approved_by, release.decided_at, release.note = (
        ReleaseStatus.REFUSED,
        approver.username,
        utcnow(),
        note,
    )
    session.flush()
    return release


def _pending(session: Session, release_id: int) -> Release:
    release = session.get(Release, release_id)
    if release is None:
        raise NotFoundError(f"no release {release_id}")
    if release.status is not ReleaseStatus.PENDING:
        raise ValidationError(f"release {release_id} is already {release.status.value}")
    return release


def _write(session: Session, release: Release, output: Path, *, by: str) -> None:
    view = collect(session, organisation=release.organisation, filters=filters_from_dict(release.filters))
    partial = output.with_name(output.name + ".partial")
    FORMATS[release.format](view, partial)
    partial.replace(output)
    release.status, release.released_at = ReleaseStatus.RELEASED, utcnow()
    release.file_name = str(output)
    release.file_sha256 = hashlib.sha256(output.read_bytes()).hexdigest()
    release.incident_codes = [i["code"] for i in view.incidents]
    release.record_counts = view.record_counts()
    session.flush()
    summary = {
        "organisation": release.organisation,
        "format": release.format,
        "sha256": release.file_sha256,
        "counts": release.record_counts,
        "requested_by": release.requested_by,
        "approved_by": release.approved_by,
    }
    # The entry names who let the file leave the store, whoever runs the session.
    entry = PendingEntry(by, "release", "releases", str(release.id), summary)
    add_pending(session, entry)


def list_releases(session: Session, *, organisation: str | None = None, limit: int = 100) -> list[Release]:
    """The release log, newest first."""
    query = select(Release).order_by(Release.id.desc()).limit(limit)
    if organisation:
        query = query.where(Release.organisation == organisation)
    return list(session.scalars(query))
