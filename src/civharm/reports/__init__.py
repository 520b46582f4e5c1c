"""Reports: what one source said, kept as it was said."""
