"""Delivery of the event log to subscribers (DESIGN §4): one reader per process, woken by a
broadcaster doorbell and by a short poll, fanning out to bounded per-subscriber buffers."""
