"""Benchmark: the HTTP service's throughput and latency under parallel clients.

    python benchmarks/bench_service.py [--workers 2] [--clients 8] [--requests 250]

Starts `python -m engine serve` on a free local port with `--workers` processes, then
`--clients` threads each send `--requests` advice requests for the bundled example (JSON, with
keep-alive), after a warm-up. Prints requests per second and latency percentiles; it asserts
nothing (timings are not tests). Needs the test extra (httpx).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine.load.yaml_source import read_yaml_file  # noqa: E402

EXAMPLE = ROOT / "examples" / "alleenstaande-met-huisgenoot.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(log: Path, *args: str) -> Iterator[str]:
    """`python -m engine serve` on a free port, until the block ends: its address. The tests
    (tests/test_service.py) start their server with this too."""
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "engine", "serve", "--port", str(port), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            if process.poll() is not None:
                raise RuntimeError(f"the service stopped:\n{log.read_text()}")
            if time.monotonic() > deadline:
                raise RuntimeError("the service did not start in 60 s")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _healthy(url: str) -> bool:
    with suppress(httpx.TransportError):  # not listening yet
        return httpx.get(f"{url}/health", timeout=2).status_code == 200
    return False


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=250, help="per client")
    args = parser.parse_args()

    profile = json.loads(json.dumps(read_yaml_file(EXAMPLE), default=str))
    body = json.dumps({"profile": profile, "peildatum": "2026-01-15"}).encode()
    headers = {"content-type": "application/json"}
    with (
        tempfile.TemporaryDirectory() as folder,
        serving(Path(folder) / "server.log", "--workers", str(args.workers)) as url,
    ):
        with httpx.Client(base_url=url) as http:  # warm every worker's caches
            for _ in range(20 * args.workers):
                http.post("/advice", content=body, headers=headers)

        def client(_: int) -> list[float]:
            took = []
            with httpx.Client(base_url=url, timeout=120) as http:
                for _ in range(args.requests):
                    start = time.perf_counter()
                    answer = http.post("/advice", content=body, headers=headers)
                    took.append((time.perf_counter() - start) * 1000)
                    answer.raise_for_status()
            return took

        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            samples = [ms for found in pool.map(client, range(args.clients)) for ms in found]
        seconds = time.perf_counter() - start

    print(f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores")
    print(
        f"{args.workers} workers, {args.clients} clients x {args.requests} requests: "
        f"{len(samples) / seconds:,.0f} requests/s; latency median "
        f"{statistics.median(samples):.1f} ms, p95 {percentile(samples, 0.95):.1f} ms, "
        f"p99 {percentile(samples, 0.99):.1f} ms"
    )


if __name__ == "__main__":
    main()
