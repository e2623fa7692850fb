"""The server applies the time rules by itself, on its own schedule."""

from __future__ import annotations

from datetime import date

from domain.models import Event, Registration
from tests.seizures import seize
from tests.story import Sale
from tests.support import ServerProcess, server_env, wait_for


async def test_a_seizure_past_its_date_lapses_without_anyone_asking(settings, tmp_path, db, server_gql):
    sale = await Sale(server_gql).setup()
    _, units = await sale.permit_with_units(units=1)
    # Written straight to the register, as if its term had ended while nobody looked.
    seizure = await seize(units[0]["id"], until=date(2020, 1, 31))
    sweeping = ServerProcess(
        server_env(settings, ONEWINDOW_SWEEP_SECONDS="0.2", ONEWINDOW_TEST_LOG=str(tmp_path / "sweeper.log"))
    ).start()
    try:

        async def lapsed():
            return (await Registration.get(id=seizure.id)).right_status == "LAPSED"

        await wait_for(lapsed, timeout=15)
    finally:
        sweeping.stop()
    assert await Event.filter(type="RIGHT_LAPSED", registration_id=seizure.id).count() == 1
