"""PostgreSQL: `event_pending` is not written to the WAL.

A pending event lives only inside the transaction that appends it: the commit-time trigger
(migration 0005) moves it to `event` and deletes it before the transaction ends, so the table
is empty whenever no transaction is running, and after a crash there is nothing in it to
recover (PostgreSQL empties an unlogged table on recovery). Logging its rows wrote every
event's text to the WAL twice more (inserted, then deleted) for nothing.
"""

import importlib

from tortoise import migrations
from tortoise.migrations import operations as ops

_on_postgres = importlib.import_module("migrations.0005_event_sequencer")._on_postgres


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0005_event_sequencer")]

    initial = False

    operations = [
        ops.RunPython(
            _on_postgres(["ALTER TABLE event_pending SET UNLOGGED"]),
            _on_postgres(["ALTER TABLE event_pending SET LOGGED"]),
        ),
    ]
