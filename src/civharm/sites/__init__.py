"""Protected and critical civilian objects, and civilian-risk screening of planned activity.

- ``models`` / ``schemas`` / ``service``: the register (sites) and population grids;
- ``imports``: CSV, GeoJSON and OpenStreetMap readers; ``categories``: categories, legal bases,
  the OSM tag mapping; ``population``: GeoTIFF and CSV population grids;
- ``geometry`` and ``index``: exact great-circle distances and the KD-tree site index;
- ``screening``: screening against the store; ``hits``: file-to-file screening and its CSV
  files; ``risk``: the rating and its reasons;
- ``api`` / ``pages``: the JSON router and the HTML page; ``demo``: the synthetic register.
"""
