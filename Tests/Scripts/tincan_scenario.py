#!/usr/bin/env python3
"""A real client library against a running Tessera: TinCanPython (the `tincan` package on PyPI,
the client Open edX uses) saves, queries, pages through and voids statements, keeps state and
profile documents with ETags, and reads About, Activities and Agents.

Starts `tessera serve` on a new database (with `--postgres`, a new database of the test
PostgreSQL server, TESSERA_TEST_POSTGRES); prints one line per check and a "N passed, N failed"
summary; exits non-zero on any failure.
"""
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.request

from checks import Checks

from tincan import (Activity, ActivityDefinition, ActivityProfileDocument, Agent,
                    LanguageMap, RemoteLRS, StateDocument, Statement, StatementRef, Verb)

BIN = os.environ.get("TESSERA_BIN", ".build/debug/tessera")
KEY, SECRET = "tincan", "tincan-secret"
port = random.randint(20000, 40000)
endpoint = f"http://127.0.0.1:{port}/xapi/"
directory = tempfile.mkdtemp(prefix="tessera-tincan-")
# --postgres: on a new database of the test PostgreSQL server instead of an SQLite file.
database = os.path.join(directory, "tincan.sqlite")
if "--postgres" in sys.argv:
    import postgres_database
    database = postgres_database.create("tessera_tincan")[1]
log_path = os.path.join(directory, "server.log")
server = subprocess.Popen(
    [BIN, "serve", "--db", database, "--port", str(port), "--signing-key", os.path.join(directory, "signing-key.pem")],
    env=dict(os.environ, TESSERA_ADMIN_KEY=KEY, TESSERA_ADMIN_SECRET=SECRET),
    stdout=subprocess.DEVNULL, stderr=open(log_path, "w"))
for _ in range(300):
    try:
        urllib.request.urlopen(endpoint + "about", timeout=1).read()
        break
    except Exception:
        if server.poll() is not None:
            break
        time.sleep(0.2)
else:
    server.kill()
if server.poll() is not None:
    raise SystemExit("the server did not start:\n" + open(log_path).read())

check = Checks()


def with_etag(response):
    """The retrieved document with the ETag the LRS sent. TinCanPython 1.0.0 looks for the
    header in a list of tuples and never finds it, so the script reads it itself."""
    response.content.etag = response.response.getheader("ETag")
    return response.content


def create_profile(resource, query, body):
    """Creates a profile document with `If-None-Match: *`, which xAPI 1.0.3 requires of every
    profile PUT and TinCanPython never sends; returns the status."""
    put = urllib.request.Request(endpoint + resource + "?" + urllib.parse.urlencode(query), data=body, method="PUT",
                                 headers={"Authorization": lrs.auth, "X-Experience-API-Version": lrs.version,
                                          "Content-Type": "application/json", "If-None-Match": "*"})
    return urllib.request.urlopen(put).status


try:
    lrs = RemoteLRS(endpoint=endpoint, username=KEY, password=SECRET)
    about = lrs.about()
    check("about lists the version the client speaks", about.success and lrs.version in about.content.version,
          about.data)

    ann = Agent(name="Ann Example", mbox="mailto:ann@example.com")
    course = Activity(id="https://courses.example.com/fire-safety",
                      definition=ActivityDefinition(name=LanguageMap({"en-US": "Fire safety"})))
    completed = Verb(id="http://adlnet.gov/expapi/verbs/completed", display=LanguageMap({"en-US": "completed"}))

    saved = lrs.save_statement(Statement(actor=ann, verb=completed, object=course))
    check("save a statement", saved.success, saved.data)
    statement_id = saved.content.id
    fetched = lrs.retrieve_statement(statement_id)
    check("retrieve it by id", fetched.success and fetched.content.actor.mbox == "mailto:ann@example.com",
          fetched.data)

    batch = lrs.save_statements([Statement(actor=ann, verb=completed, object=Activity(id=f"{course.id}/lesson-{n}"))
                                 for n in range(5)])
    check("save a batch of five", batch.success and len(batch.content) == 5, batch.data)

    first = lrs.query_statements({"agent": ann, "limit": 4})
    check("query by agent, a page of four", first.success and len(first.content.statements) == 4, first.data)
    check("the page links to more", bool(first.content.more), first.data)
    second = lrs.more_statements(first.content)
    check("the more link gives the rest", second.success and len(second.content.statements) == 2, second.data)

    voided = lrs.save_statement(Statement(actor=ann, verb=Verb(id="http://adlnet.gov/expapi/verbs/voided"),
                                          object=StatementRef(id=statement_id)))
    check("void the first statement", voided.success, voided.data)
    gone = lrs.retrieve_statement(statement_id)
    check("a voided statement is gone from statementId", not gone.success and gone.response.status == 404)
    kept = lrs.retrieve_voided_statement(statement_id)
    check("and found by voidedStatementId", kept.success and kept.content.id == statement_id, kept.data)

    state = StateDocument(id="bookmark", activity=course, agent=ann, content='{"page":3}',
                          content_type="application/json")
    check("save state", lrs.save_state(state).success)
    loaded = lrs.retrieve_state(course, ann, "bookmark")
    check("retrieve state with its ETag", loaded.success and bytes(loaded.content.content) == b'{"page":3}'
          and with_etag(loaded).etag, loaded.data)
    ids = lrs.retrieve_state_ids(course, ann)
    check("list state ids", ids.success and ids.content == ["bookmark"], ids.data)
    loaded.content.etag = '"0000000000000000000000000000000000000000"'
    check("delete state with a stale ETag is refused", lrs.delete_state(loaded.content).response.status == 412)
    fresh = with_etag(lrs.retrieve_state(course, ann, "bookmark"))
    check("delete state with its ETag", lrs.delete_state(fresh).success)
    check("the state is gone", lrs.retrieve_state_ids(course, ann).content == [])

    profile = ActivityProfileDocument(id="settings", activity=course, content='{"passmark":80}',
                                      content_type="application/json")
    unguarded = lrs.save_activity_profile(profile)
    check("a profile PUT without If-Match or If-None-Match is refused (1.0.3)",
          unguarded.response.status == 400 and "If-None-Match" in unguarded.data, unguarded.data)
    check("create the activity profile with If-None-Match",
          create_profile("activities/profile", {"activityId": course.id, "profileId": "settings"},
                         b'{"passmark":80}') == 204)
    current = with_etag(lrs.retrieve_activity_profile(course, "settings"))
    current.content = '{"passmark":85}'
    check("update it with If-Match", lrs.save_activity_profile(current).success)
    check("the update is stored", bytes(lrs.retrieve_activity_profile(course, "settings").content.content) == b'{"passmark":85}')
    check("a stale If-Match is refused", lrs.save_activity_profile(current).response.status == 412)

    check("create an agent profile with If-None-Match",
          create_profile("agents/profile", {"agent": ann.to_json(lrs.version), "profileId": "preferences"},
                         b'{"language":"en"}') == 204)
    read = lrs.retrieve_agent_profile(ann, "preferences")
    check("retrieve the agent profile", read.success and bytes(read.content.content) == b'{"language":"en"}', read.data)
    check("list agent profile ids", lrs.retrieve_agent_profile_ids(ann).content == ["preferences"])
    check("delete the agent profile", lrs.delete_agent_profile(read.content).success)

    activity = urllib.request.Request(endpoint + "activities?activityId=" + urllib.parse.quote(course.id, safe=""),
                                      headers={"Authorization": lrs.auth, "X-Experience-API-Version": lrs.version})
    body = urllib.request.urlopen(activity).read().decode()
    check("the Activities resource has the definition", '"Fire safety"' in body, body)
finally:
    server.terminate()
    server.wait()

check.finish("TinCanPython")
