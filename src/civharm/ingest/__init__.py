"""Readers that turn source files (UCDP, ACLED, HXL, GeoJSON, CSV, form submissions) into reports."""
