"""Benchmark: what one certificate signature costs, Ed25519 against SM2 with SM3.

The instant approval signs its proof while it holds the county-wide certificate counter, so
this cost is added to every approval's hold of that counter (bench/sale_pipeline.py measures
the whole approval).

    .venv/bin/python -m bench.signing --rounds 2000
"""

from __future__ import annotations

import argparse
import time

from domain.certificates import KeyRing, SigningAlgorithm, generate_private_key_pem, load_signing_key

CONTENT = {
    "number": "豫(2026)息县不动产证明第0000001号",
    "kind": "REGISTRATION_PROOF",
    "authority": "息县不动产登记中心",
    "property": {"unitCode": "411528001001GB00001F00000001", "address": "息县城关镇新园路1号", "buildingArea": "89.50"},
    "holders": [{"name": "张三", "idNumber": "411528199903151234"}],
    "issuedAt": "2026-12-01T03:00:00.000000+00:00",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    for algorithm in SigningAlgorithm:
        ring = KeyRing(load_signing_key(generate_private_key_pem(algorithm), algorithm))
        samples = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            signed = ring.sign(CONTENT)
            samples.append(time.perf_counter() - started)
        started = time.perf_counter()
        for _ in range(args.rounds):
            assert ring.verify(CONTENT, signed.content_hash, signed.signature, signed.signing_key_id) is None
        verify = (time.perf_counter() - started) / args.rounds
        samples.sort()
        print(
            f"{algorithm.value:8} sign p50 {samples[len(samples) // 2] * 1e6:7.0f} µs  p99 "
            f"{samples[int(len(samples) * 0.99)] * 1e6:7.0f} µs"
            f"  verify mean {verify * 1e6:7.0f} µs  (signature {len(signed.signature)} base64 chars)"
        )


if __name__ == "__main__":
    main()
