"""Thematic analysis workbench: documents, coded segments, codes, themes, memos (Braun & Clarke)."""
