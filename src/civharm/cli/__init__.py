"""The ``civharm`` command line: a thin shell over the library."""
