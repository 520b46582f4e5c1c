"""Human-security assessment of areas: indicators, an INFORM-style index, trends and forecasts.

- :mod:`civharm.areas.framework` reads and checks the framework file (the index tree).
- :mod:`civharm.areas.scoring` turns indicator values into 0-10 scores (pure numpy).
- :mod:`civharm.areas.indicators` reads the long indicator CSV and picks each area's latest year.
- :mod:`civharm.areas.grids` knows PRIO-GRID and H3 cells.
- :mod:`civharm.areas.events` reads harm events (UCDP, ACLED, the store) onto areas and months.
- :mod:`civharm.areas.forecast` forecasts civilian deaths per area-month and scores the forecast.
"""
