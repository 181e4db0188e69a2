import sys

from achlab.cli import main

sys.exit(main())
