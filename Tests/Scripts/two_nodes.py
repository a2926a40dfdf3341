#!/usr/bin/env python3
"""Two Tessera nodes on one PostgreSQL database, written to at once (issue 19, docs/postgres.md).

    two_nodes.py            # needs TESSERA_TEST_POSTGRES (Tests/Scripts/postgres_cluster.sh start)

Creates a new database, starts two `tessera serve` processes on it at the same moment (each
on its own port), then from several threads through both nodes at once:
  - posts batches of new statements, recording every one a node acknowledged (HTTP 200);
  - races the same statement id through both nodes: with the same content both succeed (the
    second is a no-op); with different content exactly one succeeds and the other gets 409;
  - races one document's ETag through both nodes: exactly one If-Match write succeeds, the
    other gets 412, and the document holds the winner's content;
  - voids statements through one node and reads them through the other.
Afterwards every acknowledged statement is readable through either node and says what was
sent, nothing was stored twice, `seq` has no gaps, `stored` never decreases along it, and
`tessera verify --db` finds the hash chain intact.
Prints a "N passed, N failed" line; exits non-zero on any failure.
"""
import base64
import json
import os
import random
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
import uuid

import postgres_database
import tessera_server
from checks import Checks

KEY, SECRET = "nodes", "nodes-secret"
AUTH = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
WORKERS, BATCHES, BATCH = 8, 25, 20
check = Checks()
name, database = postgres_database.create("tessera_two_nodes")
directory = tempfile.mkdtemp(prefix="tessera-nodes-")
key_file = os.path.join(directory, "signing-key.pem")
ports = random.sample(range(20000, 40000), 2)
nodes = [f"http://127.0.0.1:{port}" for port in ports]


def request(node, method, path, body=None, headers=None, raw=False):
    """(status, headers, body) of one request to `node`."""
    all_headers = {"Authorization": AUTH, "X-Experience-API-Version": "1.0.3", **(headers or {})}
    data = None
    if body is not None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    call = urllib.request.Request(node + path, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(call, timeout=60) as response:
            payload = response.read()
            return response.status, dict(response.headers), payload if raw else (json.loads(payload) if payload else None)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def statement(actor, statement_id=None, verb="completed"):
    body = {"actor": {"mbox": f"mailto:{actor}@example.com"}, "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
            "object": {"id": "https://courses.example.com/two-nodes"}}
    if statement_id:
        body["id"] = statement_id
    return body


# Both nodes start at the same moment on a database neither has migrated.
starters = [threading.Thread(target=lambda p=port: servers.append(
    tessera_server.start(database, p, KEY, SECRET, "--signing-key", key_file))) for port in ports]
servers = []
for thread in starters:
    thread.start()
for thread in starters:
    thread.join()
check("both nodes started together on one new database", len(servers) == 2)
if len(servers) != 2:
    check.finish("two nodes on one database")

acknowledged = {}          # id -> actor, for every statement a node answered 200 for
lock = threading.Lock()
failures = []


def load(worker):
    for number in range(BATCHES):
        node = nodes[(worker + number) % 2]
        batch = [statement(f"w{worker}n{number}i{index}", str(uuid.uuid4())) for index in range(BATCH)]
        status, _, body = request(node, "POST", "/xapi/statements", batch)
        with lock:
            if status == 200 and body == [item["id"] for item in batch]:
                acknowledged.update({item["id"]: item["actor"]["mbox"] for item in batch})
            else:
                failures.append((status, body))


def race_same_id(same_content):
    """Posts one id through both nodes at once; returns the two statuses."""
    shared = str(uuid.uuid4())
    bodies = [statement("racer", shared), statement("racer" if same_content else "other", shared)]
    statuses = [None, None]

    def post(index):
        statuses[index] = request(nodes[index], "POST", "/xapi/statements", [bodies[index]])[0]

    threads = [threading.Thread(target=post, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with lock:
        for index, status in enumerate(statuses):
            if status == 200:
                acknowledged[shared] = bodies[index]["actor"]["mbox"]
    return sorted(statuses)


workers = [threading.Thread(target=load, args=(worker,)) for worker in range(WORKERS)]
for thread in workers:
    thread.start()
same = [race_same_id(True) for _ in range(20)]
different = [race_same_id(False) for _ in range(20)]
for thread in workers:
    thread.join()
check("every batch through either node was acknowledged", not failures, str(failures[:3]))
check("the same statement through both nodes at once: both 200 (the second is a no-op)", all(s == [200, 200] for s in same), str(same))
check("different statements under one id through both nodes at once: one 200, one 409",
      all(s == [200, 409] for s in different), str(different))

# One document's ETag raced through both nodes.
state = "/xapi/activities/state?" + urllib.parse.urlencode(
    {"activityId": "https://courses.example.com/two-nodes", "agent": json.dumps({"mbox": "mailto:racer@example.com"}), "stateId": "bookmark"})
won = lost = 0
for round_number in range(20):
    request(nodes[0], "PUT", state, {"round": round_number, "by": "setup"})
    etag = request(nodes[1], "GET", state, raw=True)[1].get("ETag")
    statuses = [None, None]

    def write(index, etag=etag, round_number=round_number):
        statuses[index] = request(nodes[index], "PUT", state, {"round": round_number, "by": index}, {"If-Match": etag})[0]

    threads = [threading.Thread(target=write, args=(index,)) for index in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = request(nodes[round_number % 2], "GET", state)[2]
    if sorted(statuses) == [204, 412] and stored == {"round": round_number, "by": statuses.index(204)}:
        won += 1
    else:
        lost += 1
check("one ETag raced through both nodes: one write wins (204), the other is refused (412), the winner's content is stored",
      lost == 0, f"{lost} of 20 rounds otherwise")

# Voiding through one node, reading through the other.
voided = random.sample(sorted(acknowledged), 10)
voiding = [{"actor": {"mbox": "mailto:admin@example.com"}, "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
            "object": {"objectType": "StatementRef", "id": target}} for target in voided]
status, _, voiding_ids = request(nodes[0], "POST", "/xapi/statements", voiding)
check("voiding statements through node 1 are stored", status == 200, str(voiding_ids))
hidden = all(request(nodes[1], "GET", "/xapi/statements?statementId=" + target)[0] == 404 for target in voided)
shown = all(request(nodes[1], "GET", "/xapi/statements?voidedStatementId=" + target)[0] == 200 for target in voided)
check("node 2 sees the voided statements as voided at once", hidden and shown)

# Everything acknowledged is there, through either node, once.
missing = []
for index, (statement_id, mbox) in enumerate(sorted(acknowledged.items())):
    if statement_id in voided:
        continue
    status, _, body = request(nodes[index % 2], "GET", "/xapi/statements?statementId=" + statement_id)
    if status != 200 or body.get("actor", {}).get("mbox") != mbox:
        missing.append((statement_id, status))
check(f"every acknowledged statement ({len(acknowledged)}) is stored and says what was sent", not missing, str(missing[:3]))

for server in servers:
    server.terminate()
for server in servers:
    check("a node stops cleanly on SIGTERM", server.wait(timeout=60) == 0)

exported = os.path.join(directory, "all.ndjson")
run = subprocess.run([tessera_server.BIN, "export", "--db", database, "--out", exported, "--signing-key", key_file],
                     capture_output=True, text=True)
check("the store exports", run.returncode == 0, run.stderr)
records = [json.loads(line) for line in open(exported)] if run.returncode == 0 else []
ids = [record["statement"]["id"] for record in records]
check("nothing was stored twice", len(ids) == len(set(ids)), f"{len(ids) - len(set(ids))} duplicates")
check("the store holds exactly the acknowledged statements and the voiding ones",
      set(ids) == set(acknowledged) | set(voiding_ids or []), f"{len(set(ids))} stored, {len(acknowledged)} acknowledged")
seqs = [record["seq"] for record in records]
check("seq has no gaps", seqs == list(range(1, len(seqs) + 1)))
stored = [record["statement"]["stored"] for record in records]
check("stored never decreases along seq", all(a <= b for a, b in zip(stored, stored[1:])))
run = subprocess.run([tessera_server.BIN, "verify", "--db", database], capture_output=True, text=True)
check("tessera verify --db finds the hash chain intact", run.returncode == 0 and "hash chain intact" in run.stdout, run.stdout + run.stderr)
postgres_database.drop(name)
check.finish("two nodes on one database")
