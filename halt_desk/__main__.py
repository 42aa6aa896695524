"""Allows `python -m halt_desk` as an alias of the `halt-desk` command."""

from halt_desk.cli import main

raise SystemExit(main())
