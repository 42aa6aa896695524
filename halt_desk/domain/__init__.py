"""Pure contract rules: calendar, profiles, priority, uplift, clocks. No I/O, no Qt."""

from halt_desk.domain.native import use_sources_if_stale

use_sources_if_stale()  # before any engine module is imported: a stale build is not used
