from tortoise import migrations
from tortoise.migrations import operations as ops

GENESIS_HASH = "0" * 64


class Migration(migrations.Migration):
    """The log head row that numbering events locks; the chain starts from the all-zero hash."""

    dependencies = [("onewindow", "0001_initial")]

    operations = [
        ops.RunSQL(
            f"INSERT INTO event_log_head (id, last_seq, last_hash) VALUES (1, 0, '{GENESIS_HASH}')",
            reverse_sql="DELETE FROM event_log_head WHERE id = 1",
        ),
    ]
