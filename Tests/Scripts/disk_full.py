#!/usr/bin/env python3
"""A full disk: writes are refused with 503 and nothing acknowledged is lost; once there is room
again the server takes writes without a restart.

Mounts a 4 MiB tmpfs (root, or CAP_SYS_ADMIN, is needed; without it the script says so and
exits 0), runs `tessera serve` with its database there, posts statements until the disk is
full, checks the refusal (503, JSON, Retry-After) for statements and documents while reads and
/health still answer, grows the tmpfs, posts again, then SIGKILLs the server, restarts it and
checks every acknowledged statement and the hash chain.
"""
import base64
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

import tessera_server
from checks import Checks

BIN = tessera_server.BIN
KEY, SECRET = "disk", "disk-secret"
AUTH = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
directory = tempfile.mkdtemp(prefix="tessera-full-")
if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", directory], capture_output=True).returncode != 0:
    print("disk full: skipped (mounting a tmpfs needs root or CAP_SYS_ADMIN)")
    sys.exit(0)
database = os.path.join(directory, "full.sqlite")
port = random.randint(20000, 40000)
root = f"http://127.0.0.1:{port}"
check = Checks()


def start():
    return tessera_server.start(database, port, KEY, SECRET, "--durability", "normal")


def call(method, path, body=None, content_type="application/json"):
    headers = {"Authorization": AUTH, "X-Experience-API-Version": "1.0.3"}
    if body is not None:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(root + path, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def batch(size=50):
    padding = "x" * 400
    return [{"id": str(uuid.uuid4()), "actor": {"mbox": f"mailto:learner{random.randint(1, 10**9)}@example.com"},
             "verb": {"id": "http://adlnet.gov/expapi/verbs/experienced"},
             "object": {"id": f"https://courses.example.com/full/{uuid.uuid4()}"},
             "result": {"extensions": {"https://example.com/padding": padding}}} for _ in range(size)]


acknowledged = {}


def post_batch():
    """Posts 50 statements, remembering them when acknowledged; returns the answer."""
    statements = batch()
    answer = call("POST", "/xapi/statements", json.dumps(statements).encode())
    if answer[0] == 200:
        acknowledged.update((s["id"], s) for s in statements)
    return answer


server = start()
try:
    refusal = None
    for _ in range(2000):
        refusal = post_batch()
        if refusal[0] != 200:
            break
    check(f"statements were stored until the disk filled ({len(acknowledged)})", len(acknowledged) > 0)
    check(f"a full disk answers 503 (got {refusal[0]})", refusal[0] == 503)
    if refusal[0] == 503:
        check("with a JSON reason and Retry-After", b"disk is full" in refusal[2] and "Retry-After" in refusal[1], str(refusal))
    # Larger than the whole tmpfs: a smaller one may fit where the write-ahead log, once
    # checkpointed, is written again from its start, in blocks the file already holds.
    status, _, _ = call("PUT", "/xapi/activities/state?activityId=https%3A%2F%2Fx.example%2Fa&agent="
                        "%7B%22mbox%22%3A%22mailto%3Aa%40example.com%22%7D&stateId=s", b"x" * 6_000_000, "text/plain")
    check(f"a document that does not fit answers 503 too (got {status})", status == 503)
    check("/health still answers", call("GET", "/health")[0] == 200)
    some = next(iter(acknowledged))
    check("stored statements can still be read", call("GET", "/xapi/statements?statementId=" + some)[0] == 200)

    subprocess.run(["mount", "-o", "remount,size=64m", directory], check=True)
    recovered = False
    for _ in range(20):
        recovered = post_batch()[0] == 200
        if recovered:
            break
        time.sleep(0.5)
    check("once there is room, writes succeed again without a restart", recovered)
finally:
    server.kill()
    server.wait()

server = start()
try:
    missing = sum(1 for statement_id in acknowledged if call("GET", "/xapi/statements?statementId=" + statement_id)[0] != 200)
finally:
    server.terminate()
    server.wait()
check(f"after SIGKILL and a restart every acknowledged statement is there ({missing} of {len(acknowledged)} missing)", missing == 0)
verified = subprocess.run([BIN, "verify", "--db", database], capture_output=True, text=True)
check("tessera verify finds the hash chain intact", verified.returncode == 0, verified.stdout + verified.stderr)
subprocess.run(["umount", directory])
check.finish("disk full")
