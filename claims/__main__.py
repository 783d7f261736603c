"""`python -m claims`: the operator's command line (see `claims.cli`)."""

from claims.cli import main

raise SystemExit(main())
