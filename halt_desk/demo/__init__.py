"""Deterministic demo data: two customers, loaner depots and months of tickets as events.

`generate()` builds the data set behind `halt-desk demo` (reference data, devices and
tickets, all as events of DESIGN §3.2–§3.4); `timelines()` turns its tickets into the
§3.3 input of `halt-desk sla check`; `generate_timelines()` makes large synthetic §3.3
inputs for the benchmarks. The same arguments always give the same result: all chance
comes from `random.Random(seed)`, never from the clock or the global generator.

Where things are: `dataset` generates the data set (with `registration`, `loaner_stock`,
`moments` and `event_log`); `halt_plan` and `desom_plan` plan one ticket's events (with
`planning`, `business_minutes` and `sample_texts`); `reference` holds the fixed records;
`timelines` builds the §3.3 inputs.
"""

from halt_desk.demo.dataset import HALT_SHARE, DemoDataset, DemoTicket, generate
from halt_desk.demo.reference import Depot, Device, Employee, Location, Organisation
from halt_desk.demo.timelines import generate_timelines, timelines

__all__ = [
    "HALT_SHARE",
    "DemoDataset",
    "DemoTicket",
    "Depot",
    "Device",
    "Employee",
    "Location",
    "Organisation",
    "generate",
    "generate_timelines",
    "timelines",
]
