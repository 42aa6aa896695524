"""PySide6 views on halt_desk: windows, dialogs, item models and the background worker.

Nothing here decides anything: every action calls into `halt_desk` (desk actions, the
store, the SLA engine), so the same behaviour is tested without a window.
"""
