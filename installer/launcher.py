"""Entry point of the bundled program: the same `halt-desk` command as the Python package
(no command: the desktop app; `--version`, `--self-test` and every subcommand work)."""

import multiprocessing
import sys

from halt_desk.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen program must say so before any worker starts
    sys.exit(main())
