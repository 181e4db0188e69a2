"""Templates of a new case folder (``achlab new``): filled in by :mod:`achlab.cli.new`."""
