"""Pure contract rules: calendar, profiles, priority, uplift, clocks. No I/O, no Qt."""
