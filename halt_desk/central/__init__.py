"""The central API: the shared truth behind every desk, field laptop and depot scanner."""
