"""The desktop app's background process (no Qt): sync rounds, reminders and housekeeping,
run beside the window on the same cache file."""
