"""Courier track-and-trace: one interface (`base.CourierAdapter`), one module per carrier
(PostNL, DHL, DPD), each declaring itself to the registry (`registry.carriers()`)."""
