#!/usr/bin/env python3
"""Durability under SIGKILL, and graceful shutdown under SIGTERM: every acknowledged statement
survives.

Starts `tessera serve` on a new database, posts batches from several threads, records every
statement the server acknowledged (HTTP 200), stops the server mid-load with SIGKILL (the
default) or SIGTERM (`--signal TERM`: it must also exit by itself, with status 0, once it has
answered what it accepted and drained its writer), starts it again, and fetches each
acknowledged statement: it must be there and say what was sent.
Prints a "N passed, N failed" line; exits non-zero on any failure.
"""
import base64
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid

from checks import Checks

BIN = os.environ.get("TESSERA_BIN", ".build/debug/tessera")
SIGNAL = signal.SIGTERM if sys.argv[1:] == ["--signal", "TERM"] else signal.SIGKILL
KEY, SECRET = "durability", "durability-secret"
AUTH = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
WORKERS, BATCH, LOAD_SECONDS = 8, 10, 3.0

directory = tempfile.mkdtemp(prefix="tessera-durability-")
database = os.path.join(directory, "durable.sqlite")
port = random.randint(20000, 40000)
base = f"http://127.0.0.1:{port}/xapi"


def start():
    env = dict(os.environ, TESSERA_ADMIN_KEY=KEY, TESSERA_ADMIN_SECRET=SECRET)
    server = subprocess.Popen([BIN, "serve", "--db", database, "--port", str(port), "--durability", "normal"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/about", timeout=1).read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("the server did not start")


def request(method, path, body=None):
    headers = {"Authorization": AUTH, "X-Experience-API-Version": "1.0.3"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=10) as response:
        return response.status, response.read()


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


server = start()
threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
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
stop.set()
for thread in threads:
    thread.join()
check(f"the load was acknowledged before the kill ({len(acknowledged)} statements)", len(acknowledged) > 0)

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
finally:
    server.terminate()
    server.wait()
check(f"every acknowledged statement is present ({missing} missing)", missing == 0)
check(f"every acknowledged statement is intact ({altered} altered)", altered == 0)
print(f"{len(acknowledged)} statements acknowledged before SIG{SIGNAL.name[3:]}; {missing} missing, {altered} altered after restart")
check.finish("durability")
