import pytest

from tests.support import ServerProcess, server_env


@pytest.fixture
def second_server(settings, tmp_path):
    """Another API process on the same database (and broadcast), as behind a load balancer."""
    process = ServerProcess(server_env(settings, ONEWINDOW_TEST_LOG=str(tmp_path / "server2.log"))).start()
    yield process
    process.stop()
