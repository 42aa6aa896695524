"""PySide6 views on halt_desk (the desktop app arrives with its own issue)."""
