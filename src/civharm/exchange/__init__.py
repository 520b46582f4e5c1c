"""Exchange with partners: imports of HXL, GeoJSON, spreadsheets and form submissions; releases
(exports that pass through the visibility policy, optionally approved by a second person and
always logged); the instance-to-instance package; requests for information."""
