"""PostgreSQL: events are numbered and hash-chained while their transaction commits.

A service inserts its events into `event_pending`; a deferred constraint trigger moves each
one into `event` at commit, under the log-head lock, with the next sequence number and
`sha256(previous hash || canonical text)`. The canonical text comes from the application
split around the sequence number (`eventlog.canonical_parts`), so the chain is exactly the
one `verify_chain` recomputes. The head is locked only for the commit itself, never while
the application is between two statements. SQLite (one writer at a time) chains in Python
and needs none of this.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

INSTALL = [
    """
    CREATE TABLE event_pending (
        id BIGSERIAL PRIMARY KEY,
        type VARCHAR(32) NOT NULL,
        occurred_at TIMESTAMPTZ NOT NULL,
        property_id INT,
        contract_id INT,
        registration_id INT,
        tax_record_id INT,
        mortgage_id INT,
        payload JSONB NOT NULL,
        canonical_head TEXT NOT NULL,
        canonical_tail TEXT NOT NULL,
        audience INT[] NOT NULL
    )
    """,
    """
    CREATE FUNCTION onewindow_sequence_event() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        next_seq BIGINT;
        previous TEXT;
        digest TEXT;
    BEGIN
        SELECT last_seq + 1, last_hash INTO next_seq, previous FROM event_log_head WHERE id = 1 FOR UPDATE;
        digest := encode(sha256(convert_to(previous || NEW.canonical_head || next_seq::text || NEW.canonical_tail, 'UTF8')), 'hex');
        INSERT INTO event (seq, type, occurred_at, property_id, contract_id, registration_id, tax_record_id,
                           mortgage_id, payload, previous_hash, hash)
        VALUES (next_seq, NEW.type, NEW.occurred_at, NEW.property_id, NEW.contract_id, NEW.registration_id,
                NEW.tax_record_id, NEW.mortgage_id, NEW.payload, previous, digest);
        INSERT INTO event_audience (event_id, party_id)
        SELECT DISTINCT next_seq, party FROM unnest(NEW.audience) AS party WHERE party IS NOT NULL;
        UPDATE event_log_head SET last_seq = next_seq, last_hash = digest WHERE id = 1;
        DELETE FROM event_pending WHERE id = NEW.id;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER event_pending_sequence AFTER INSERT ON event_pending
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION onewindow_sequence_event()
    """,
]

UNINSTALL = [
    "DROP TRIGGER IF EXISTS event_pending_sequence ON event_pending",
    "DROP FUNCTION IF EXISTS onewindow_sequence_event()",
    "DROP TABLE IF EXISTS event_pending",
]


def _on_postgres(statements: list[str]):
    async def run(apps, schema_editor) -> None:
        if schema_editor.client.capabilities.dialect != "postgres":
            return
        for statement in statements:
            await schema_editor.client.execute_script(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("onewindow", "0004_event_types_for_mortgage_signing_and_lapse")]

    initial = False

    operations = [
        ops.RunPython(_on_postgres(INSTALL), _on_postgres(UNINSTALL)),
    ]
