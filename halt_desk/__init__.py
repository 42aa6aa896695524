"""HALT Desk: the servicedesk core without a screen (contract rules, local store, CLI)."""

__version__ = "0.1.0"
