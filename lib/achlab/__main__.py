"""``python -m achlab``: run the ``achlab`` command."""

import sys

from achlab.cli import main

sys.exit(main())
