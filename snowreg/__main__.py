"""`python -m snowreg` runs the command line."""

from snowreg.cli import main

raise SystemExit(main())
