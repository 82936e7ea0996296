"""`python -m data.sample`: see the package docstring."""

import sys

from data.sample.generator import main

sys.exit(main())
