"""`python -m data.ingest`: see data/ingest/__init__.py."""

import sys

from data.ingest.cli import main

sys.exit(main())
