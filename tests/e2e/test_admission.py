"""A real server with one request at a time per worker: a client that sends its body slowly
holds up no one, and both are answered."""

from __future__ import annotations

import asyncio
import json

import httpx

from tests.support import ServerProcess, server_env, token

QUERY = json.dumps({"query": "{ viewer { role } }"}).encode()


async def test_a_slow_upload_does_not_hold_the_only_slot(settings):
    server = ServerProcess(server_env(settings, ONEWINDOW_MAX_CONCURRENT_REQUESTS="1")).start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + token("HOUSING").encode() + b"\r\n"
            b"Content-Length: " + str(len(QUERY)).encode() + b"\r\n\r\n" + QUERY[:10]
        )
        await writer.drain()
        await asyncio.sleep(0.3)  # the slow client has begun its request and is still sending
        async with httpx.AsyncClient(base_url=server.url, timeout=5) as http:
            quick = await http.post(
                "/graphql",
                json={"query": "{ viewer { role } }"},
                headers={"Authorization": f"Bearer {token('REGISTRAR')}"},
            )
        assert quick.json() == {"data": {"viewer": {"role": "REGISTRAR"}}}
        writer.write(QUERY[10:])
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=5)
        assert head.startswith(b"HTTP/1.1 200")
        length = int(
            next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
        )
        assert json.loads(await reader.readexactly(length)) == {"data": {"viewer": {"role": "HOUSING"}}}
        writer.close()
    finally:
        server.stop()
