#!/usr/bin/env python3
"""How long `GET /health` takes while heavy reads run: a benchmark, not a test (BENCHMARKS.md).

    health_under_load.py --bin A [--bin B ...] [--statements 40000] [--seconds 30] [--rounds 2]

Imports generated statements into one database with the first binary, then for each round and
each binary in turn (interleaved) copies that database, starts `tessera serve` on it and keeps
8 heavy reads in flight (4 full exports, 2 `format=canonical` pages of 500, 2 pages of 500
`until` an early time) while a prober asks `/health` every 20 ms on its own connection.
Prints the probe's median, p95, p99 and maximum per binary and round, and how many heavy reads
completed.
"""
import argparse
import base64
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse

import tessera_server

parser = argparse.ArgumentParser()
parser.add_argument("--bin", action="append", required=True, help="a tessera binary (repeat to compare)")
parser.add_argument("--statements", type=int, default=40_000)
parser.add_argument("--seconds", type=float, default=30)
parser.add_argument("--rounds", type=int, default=2)
arguments = parser.parse_args()

KEY, SECRET = "bench", "bench-secret"
AUTH = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
LANGUAGES = ["en-US", "fr-FR", "de-DE", "es-ES", "nl-NL"]


def statement(index, rng):
    """A statement with a translated verb display and a defined activity, as courses send them."""
    activity = rng.randrange(400)
    return {
        "actor": {"mbox": f"mailto:learner{rng.randrange(2000)}@example.com", "name": f"Learner {index}"},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/v{rng.randrange(6)}",
                 "display": {language: f"did {language}" for language in LANGUAGES}},
        "object": {"id": f"https://courses.example.com/activity/{activity}",
                   "definition": {"name": {language: f"Activity {activity} ({language})" for language in LANGUAGES},
                                  "description": {"en-US": "x" * 200}}},
        "result": {"score": {"scaled": rng.random()}, "completion": True},
        "timestamp": "2024-05-01T10:00:00Z",
    }


def request(port, method, path, headers=None, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(method, path, body=body, headers={"Authorization": AUTH, "X-Experience-API-Version": "1.0.3", **(headers or {})})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, data


def heavy_reader(port, path, headers, stop, completed):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    while not stop.is_set():
        connection.request("GET", path, headers={"Authorization": AUTH, "X-Experience-API-Version": "1.0.3", **headers})
        response = connection.getresponse()
        while response.read(1 << 16):
            pass
        completed[path.split("?")[0] + ("?canonical" if "canonical" in path else "?until" if "until" in path else "")] += 1
    connection.close()


def measure(binary, template, directory):
    database = os.path.join(directory, f"run-{random.randrange(1 << 30)}.sqlite")
    shutil.copyfile(template, database)
    port = random.randint(20000, 40000)
    tessera_server.BIN = binary
    server = tessera_server.start(database, port, KEY, SECRET, "--integrity-check", "off")
    try:
        _, first = request(port, "GET", "/xapi/statements?ascending=true&limit=2")
        early = json.loads(first)["statements"][-1]["stored"]
        readers = [("/export/statements", {})] * 4 + [("/xapi/statements?format=canonical&limit=500", {"Accept-Language": "fr-FR, de;q=0.8, en;q=0.5"})] * 2 \
            + [(f"/xapi/statements?limit=500&until={urllib.parse.quote(early)}", {})] * 2
        stop = threading.Event()
        completed = {}
        for path, _ in readers:
            completed[path.split("?")[0] + ("?canonical" if "canonical" in path else "?until" if "until" in path else "")] = 0
        threads = [threading.Thread(target=heavy_reader, args=(port, path, headers, stop, completed)) for path, headers in readers]
        for thread in threads:
            thread.start()
        time.sleep(1)
        probe = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        latencies = []
        deadline = time.monotonic() + arguments.seconds
        while time.monotonic() < deadline:
            started = time.monotonic()
            probe.request("GET", "/health")
            response = probe.getresponse()
            response.read()
            assert response.status == 200
            latencies.append((time.monotonic() - started) * 1000)
            time.sleep(0.02)
        stop.set()
        for thread in threads:
            thread.join()
        return latencies, completed
    finally:
        server.terminate()
        server.wait(timeout=60)
        os.remove(database)


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


directory = tempfile.mkdtemp(prefix="tessera-health-")
try:
    rng = random.Random(7)
    source = os.path.join(directory, "statements.ndjson")
    with open(source, "w") as file:
        for index in range(arguments.statements):
            file.write(json.dumps(statement(index, rng)) + "\n")
    template = os.path.join(directory, "template.sqlite")
    subprocess.run([arguments.bin[0], "import", source, "--db", template], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    print(f"{arguments.statements} statements; 8 heavy reads in flight; /health every 20 ms for {arguments.seconds:.0f} s")
    print(f"{'binary':<40} {'round':>5} {'probes':>7} {'median':>8} {'p95':>8} {'p99':>8} {'max':>8}   heavy reads done")
    for round_number in range(1, arguments.rounds + 1):
        for binary in arguments.bin:
            latencies, completed = measure(os.path.abspath(binary), template, directory)
            print(f"{binary:<40} {round_number:>5} {len(latencies):>7} {statistics.median(latencies):>7.1f}ms {percentile(latencies, 0.95):>7.1f}ms "
                  f"{percentile(latencies, 0.99):>7.1f}ms {max(latencies):>7.1f}ms   "
                  + ", ".join(f"{name} {count}" for name, count in completed.items()), flush=True)
finally:
    shutil.rmtree(directory, ignore_errors=True)
