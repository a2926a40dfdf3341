#!/usr/bin/env python3
"""Durability under SIGKILL, and graceful shutdown under SIGTERM: every acknowledged statement
survives.

    kill_during_ingest.py [--signal KILL|TERM] [--during ingest|catalog|export]

Starts `tessera serve` on a new database, posts batches from several threads, records every
statement the server acknowledged (HTTP 200), stops the server mid-load with SIGKILL (the
default) or SIGTERM (it must also exit by itself, with status 0, once it has answered what it
accepted and drained its writer), starts it again, and fetches each acknowledged statement: it
must be there and say what was sent. With `--during catalog` a catalog is loaded over and over
(alternating two versions) while the statements arrive, and after the restart the catalog must be
one of the two, whole, with analytics answering; with `--during export` exports stream while
they arrive. Afterwards `tessera verify` must find the hash chain intact.
Prints a "N passed, N failed" line; exits non-zero on any failure.
"""
import argparse
import base64
import http.client
import json
import os
import random
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

import tessera_server
from checks import Checks

BIN = tessera_server.BIN
parser = argparse.ArgumentParser()
parser.add_argument("--signal", choices=["KILL", "TERM"], default="KILL")
parser.add_argument("--during", choices=["ingest", "catalog", "export"], default="ingest")
arguments = parser.parse_args()
SIGNAL = signal.SIGTERM if arguments.signal == "TERM" else signal.SIGKILL
CATALOG = json.loads(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Fixtures", "analytics", "catalog.json")).read())
MASTERY_SCORES = (CATALOG.get("masteryScore", 0.8), 0.65)
KEY, SECRET = "durability", "durability-secret"
AUTH = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
WORKERS, BATCH, LOAD_SECONDS = 8, 10, 3.0

directory = tempfile.mkdtemp(prefix="tessera-durability-")
database = os.path.join(directory, "durable.sqlite")
port = random.randint(20000, 40000)
base = f"http://127.0.0.1:{port}/xapi"


def start(log=None):
    return tessera_server.start(database, port, KEY, SECRET, "--durability", "normal", log=log)


def request(method, path, body=None, root=base):
    headers = {"Authorization": AUTH, "X-Experience-API-Version": "1.0.3"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(root + path, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as response:
        return response.status, response.read()


server_root = base[:-len("/xapi")]


finished = {"catalog": 0, "export": 0}


def reload_catalogs():
    """Loads the catalog over and over, alternating two mastery scores."""
    turn = 0
    while not stop.is_set():
        catalog = dict(CATALOG, masteryScore=MASTERY_SCORES[turn % 2])
        try:
            request("PUT", "/analytics/catalog", json.dumps(catalog).encode(), root=server_root)
        except (OSError, urllib.error.HTTPError):
            return
        turn += 1
        finished["catalog"] += 1


def stream_exports():
    """Reads whole exports over and over, as an auditor's tool would."""
    while not stop.is_set():
        try:
            request("GET", "/export/statements", root=server_root)
        except (OSError, http.client.HTTPException):
            return  # the server is gone, perhaps mid-stream
        finished["export"] += 1


acknowledged = {}
lock = threading.Lock()
stop = threading.Event()


def worker(number):
    sequence = 0
    while not stop.is_set():
        batch = []
        for _ in range(BATCH):
            sequence += 1
            batch.append({
                "id": str(uuid.uuid4()),
                "actor": {"mbox": f"mailto:worker{number}-{sequence}@example.com"},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                "object": {"id": f"https://courses.example.com/durability/{number}/{sequence}"},
                "result": {"score": {"scaled": round(random.random(), 4)}},
            })
        try:
            status, _ = request("POST", "/statements", json.dumps(batch).encode())
        except (OSError, urllib.error.HTTPError):
            return  # the server is gone: nothing more is acknowledged
        if status == 200:
            with lock:
                for statement in batch:
                    acknowledged[statement["id"]] = statement


check = Checks()


server_log = open(os.path.join(directory, "server.log"), "w+")
server = start(server_log)
threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
if arguments.during == "catalog":
    threads.append(threading.Thread(target=reload_catalogs))
if arguments.during == "export":
    threads += [threading.Thread(target=stream_exports) for _ in range(2)]
for thread in threads:
    thread.start()
time.sleep(LOAD_SECONDS)
server.send_signal(SIGNAL)
try:
    status = server.wait(timeout=20)
except subprocess.TimeoutExpired:
    server.kill()
    status = server.wait()
    check("the server stopped by itself within 20 s of SIGTERM", False)
if SIGNAL == signal.SIGTERM:
    check(f"the server exited with status 0 after SIGTERM (got {status})", status == 0)
    server_log.seek(0)
    logged = server_log.read()
    check("its last log line says it stopped", "Tessera stopped: every acknowledged statement is committed" in logged.strip().splitlines()[-1] if logged.strip() else False,
          logged[-300:])
stop.set()
for thread in threads:
    thread.join()
check(f"the load was acknowledged before the kill ({len(acknowledged)} statements)", len(acknowledged) > 0)
if arguments.during != "ingest":
    check(f"{arguments.during} ran while statements arrived ({finished[arguments.during]} finished before the signal)",
          finished[arguments.during] > 0)

server = start()
missing = altered = 0
try:
    for statement_id, sent in acknowledged.items():
        try:
            _, body = request("GET", "/statements?statementId=" + statement_id)
        except urllib.error.HTTPError:
            missing += 1
            continue
        stored = json.loads(body)
        if any(stored.get(key) != sent[key] for key in ("actor", "verb", "object", "result")):
            altered += 1
    if arguments.during == "catalog":
        _, body = request("GET", "/analytics/catalog", root=server_root)
        loaded = json.loads(body)
        check(f"the catalog is one of the two loaded, whole (masteryScore {loaded.get('masteryScore')})",
              loaded.get("masteryScore") in MASTERY_SCORES and len(loaded.get("programs", [])) == len(CATALOG["programs"]))
        status, _ = request("GET", "/analytics/outcomes", root=server_root)
        check("analytics answer after the restart", status == 200)
finally:
    server.terminate()
    server.wait()
check(f"every acknowledged statement is present ({missing} missing)", missing == 0)
check(f"every acknowledged statement is intact ({altered} altered)", altered == 0)
verified = subprocess.run([BIN, "verify", "--db", database], capture_output=True, text=True)
check("tessera verify finds the hash chain intact", verified.returncode == 0, verified.stdout + verified.stderr)
print(f"{len(acknowledged)} statements acknowledged before SIG{SIGNAL.name[3:]} during {arguments.during}; "
      f"{missing} missing, {altered} altered after restart")
check.finish(f"durability ({arguments.during}, SIG{SIGNAL.name[3:]})")
