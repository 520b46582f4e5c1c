"""Tables of the thematic analysis workbench.

A project holds documents (stored pseudonymised), a code tree, coded segments (character
offsets plus the quoted text, one row per coder), themes built from codes and supported by
chosen extracts, and memos. Participants' real names sit in one restricted table and never
leave it: exports, the command line and pages show pseudonyms only.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from civharm.db.base import Base, utcnow
from civharm.db.types import str_enum


class ThemeStatus(StrEnum):
    """Braun & Clarke phases 3-5: a theme is searched for, reviewed, then defined and named."""

    CANDIDATE = "candidate"
    REVIEWED = "reviewed"
    DEFINED = "defined"
    DISCARDED = "discarded"


class MemoTarget(StrEnum):
    PROJECT = "project"
    DOCUMENT = "document"
    CODE = "code"
    THEME = "theme"
    SEGMENT = "segment"


class QualProject(Base):
    """One study: its documents, codes, themes and the coders who work on it."""

    __tablename__ = "qual_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    #: Usernames allowed to code in this project.
    coders: Mapped[list[str]] = mapped_column(default=list)
    #: Interview data are restricted by default (participants may be identifiable by what they say).
    restricted: Mapped[bool] = mapped_column(default=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QualParticipant(Base):
    """A participant's stable pseudonym and the real names that are replaced by it (restricted)."""

    __tablename__ = "qual_participants"
    __table_args__ = (UniqueConstraint("project_id", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("qual_projects.id", ondelete="CASCADE"))
    pseudonym: Mapped[str] = mapped_column(String(64))
    #: Every form of the name seen in documents; never exported, never shown.
    names: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QualDocument(Base):
    """A transcript, note or article, stored as pseudonymised plain text."""

    __tablename__ = "qual_documents"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("qual_projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    source_format: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    #: SHA-256 of the original file, so a re-import of the same file is recognised.
    original_sha256: Mapped[str] = mapped_column(String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class QualCode(Base):
    """A code of the project's codebook; ``parent_id`` builds the hierarchy."""

    __tablename__ = "qual_codes"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("qual_projects.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("qual_codes.id"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    color: Mapped[str | None] = mapped_column(String(7))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[QualCode | None] = relationship(remote_side="QualCode.id")


class QualSegment(Base):
    """One coder's application of one code to a span of a document (end exclusive)."""

    __tablename__ = "qual_segments"
    __table_args__ = (
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="span"),
        Index("ix_qual_segments_document", "document_id", "start_offset"),
        Index("ix_qual_segments_code", "code_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("qual_projects.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("qual_documents.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("qual_codes.id", ondelete="CASCADE"))
    coder: Mapped[str] = mapped_column(String(120))
    start_offset: Mapped[int]
    end_offset: Mapped[int]
    #: The quoted text, kept with the offsets so a reader sees the extract without the document.
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[QualDocument] = relationship()
    code: Mapped[QualCode] = relationship()


class QualTheme(Base):
    """A candidate, reviewed or defined theme: codes grouped around a central idea."""

    __tablename__ = "qual_themes"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("qual_projects.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("qual_themes.id"))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[ThemeStatus] = mapped_column(str_enum(ThemeStatus), default=ThemeStatus.CANDIDATE)
    #: What the theme is about and what it is not (phase 5).
    definition: Mapped[str] = mapped_column(Text, default="")
    #: What reviewing against the coded extracts and the whole data set found (phase 4).
    review_notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class QualThemeCode(Base):
    __tablename__ = "qual_theme_codes"

    theme_id: Mapped[int] = mapped_column(ForeignKey("qual_themes.id", ondelete="CASCADE"), primary_key=True)
    code_id: Mapped[int] = mapped_column(ForeignKey("qual_codes.id", ondelete="CASCADE"), primary_key=True)


class QualThemeExtract(Base):
    """A coded segment chosen to illustrate a theme in the write-up."""

    __tablename__ = "qual_theme_extracts"

    theme_id: Mapped[int] = mapped_column(ForeignKey("qual_themes.id", ondelete="CASCADE"), primary_key=True)
    segment_id: Mapped[int] = mapped_column(
        ForeignKey("qual_segments.id", ondelete="CASCADE"), primary_key=True
    )


class QualMemo(Base):
    """An analytic note on the project, a document, a code, a theme or a segment."""

    __tablename__ = "qual_memos"
    __table_args__ = (Index("ix_qual_memos_target", "project_id", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("qual_projects.id", ondelete="CASCADE"))
    target_type: Mapped[MemoTarget] = mapped_column(str_enum(MemoTarget))
    target_id: Mapped[int | None]
    author: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
