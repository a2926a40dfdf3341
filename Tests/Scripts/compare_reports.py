#!/usr/bin/env python3
"""Asks two stores the same analytics questions and says whether every answer is the same:
for a store and its copy made by `tessera copy` (BENCHMARKS.md, "tessera copy").

    python3 Tests/Scripts/compare_reports.py --db m1.sqlite --db 'postgres://…/copy1m'
    python3 Tests/Scripts/compare_reports.py --copy-sample     # what CI runs

With --copy-sample it makes the two stores first: the sample organisation (Fixtures/analytics)
imported into an SQLite file with its catalog and roster and one person erased, and its copy
by `tessera copy` into a new database on the test PostgreSQL server (TESSERA_TEST_POSTGRES).

Creates an `analytics/read` credential named "compare-reports" in each store, starts `tessera
serve` on each (TESSERA_BIN, default .build/debug/tessera), asks each report in JSON and CSV
for every team, skill and program and several dates, and compares the answers: numbers to
1e-9, everything else exactly. Exits 1 on the first difference."""
import argparse
import base64
import json
import math
import subprocess
import sys
import urllib.parse
import urllib.request

import os
import shutil
import tempfile

import postgres_database
import tessera_server

DATES = ["2024-01-31", "2024-05-01", "2024-08-15", "2024-12-31"]


CREDENTIALS = {}


def credential(database):
    """A new analytics/read credential in `database`: (key, secret)."""
    output = subprocess.run([tessera_server.BIN, "credentials", "create", "--db", database, "--name", "compare-reports",
                             "--scopes", "analytics/read"], check=True, capture_output=True, text=True).stdout
    fields = dict(line.split(":", 1) for line in output.splitlines() if ":" in line)
    return fields["key"].strip(), fields["secret"].strip()


def get(port, path):
    key, secret = CREDENTIALS[port]
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    request.add_header("Authorization", "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode())
    with urllib.request.urlopen(request, timeout=300) as response:
        return response.read()


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def same_csv(a, b):
    """CSV cells compared as `same` does: numbers to 1e-9, other text exactly."""
    def cells(text):
        return [line.split(",") for line in text.decode().splitlines()]
    def value(cell):
        try:
            return float(cell)
        except ValueError:
            return cell
    rows_a, rows_b = cells(a), cells(b)
    return len(rows_a) == len(rows_b) and all(
        len(x) == len(y) and all(same(value(c), value(d)) for c, d in zip(x, y)) for x, y in zip(rows_a, rows_b))


def questions(port):
    """Every report, for every team and skill and program of the catalog and several dates."""
    proficiency = json.loads(get(port, "/analytics/proficiency"))
    rows = proficiency.get("rows", [])
    teams = sorted({row["team"] for row in rows})
    skills = sorted({row["skill"] for row in rows})
    outcomes = json.loads(get(port, "/analytics/outcomes?to=2025-12-31"))
    programs = sorted({row["program"] for row in outcomes["programs"]})
    quote = urllib.parse.quote
    # Outcomes are asked with an end date: by default they run to the moment asked.
    paths = ["/analytics/proficiency", "/analytics/outcomes?to=2025-12-31", "/analytics/retention/knowledge",
             "/analytics/retention/employees?from=2024-01-01&to=2024-12-31",
             "/analytics/retention/employees?from=2024-03-01&to=2024-10-31&by=team"]
    paths += [f"/analytics/proficiency?asOf={d}" for d in DATES]
    paths += [f"/analytics/proficiency?team={quote(t)}&asOf=2024-06-30" for t in teams]
    paths += [f"/analytics/proficiency?skill={quote(s)}" for s in skills]
    paths += [f"/analytics/outcomes?team={quote(t)}&to=2025-12-31" for t in teams]
    paths += [f"/analytics/outcomes?program={quote(p)}&from=2024-01-01&to=2024-06-30&windowDays=30" for p in programs]
    paths += [f"/analytics/retention/knowledge?minDays={n}" for n in (7, 30, 90)]
    paths += [f"/analytics/retention/knowledge?skill={quote(s)}" for s in skills]
    paths += ["/analytics/compliance?asOf=2024-08-01", "/analytics/compliance?asOf=2024-12-20",
              "/analytics/retention/employees/curve?from=2024-03-01&to=2024-12-31",
              "/analytics/proficiency/trend?from=2024-01-01&to=2024-12-31"]
    paths += [f"/analytics/proficiency/trend?from=2024-01-01&to=2024-12-31&team={quote(t)}" for t in teams]
    roster = json.loads(get(port, "/analytics/learners?search="))["people"]
    paths += ["/analytics/learner?asOf=2024-12-20&agent=" + quote(json.dumps(person["agent"], separators=(",", ":")))
              for person in roster[:10]]
    return paths + [p + ("&" if "?" in p else "?") + "format=csv" for p in paths]


def run(*arguments):
    """Runs the tessera command; returns its standard output."""
    return subprocess.run([tessera_server.BIN, *arguments], check=True, capture_output=True, text=True).stdout


def copy_sample(directory):
    """The sample organisation in SQLite and its copy in PostgreSQL: the two --db values."""
    fixtures = os.path.join(os.path.dirname(__file__), "..", "..", "Fixtures", "analytics")
    source = os.path.join(directory, "sample.sqlite")
    # A copy of its own: an import records its progress beside the file it reads.
    statements = shutil.copy(os.path.join(fixtures, "statements.json"), directory)
    run("import", statements, "--db", source)
    run("catalog", "load", os.path.join(fixtures, "catalog.json"), "--db", source)
    run("roster", "load", os.path.join(fixtures, "roster.csv"), "--db", source)
    run("erase", "--db", source, "--agent", '{"mbox":"mailto:sales09@northwind.example"}', "--requested-by", "compare")
    _, target = postgres_database.create("copy_sample")
    copied = run("copy", "--from", source, "--to", target)
    if "equal to the source's" not in copied:
        sys.exit(f"tessera copy did not end with equal chain heads:\n{copied}")
    heads = [run("verify", "--db", db).split()[-1] for db in (source, target)]
    if heads[0] != heads[1]:
        sys.exit(f"the chain heads differ: {heads}")
    print(f"copied into PostgreSQL; both chains verify with head {heads[0]}")
    return [source, target]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", action="append", default=[], help="a store (give two)")
    parser.add_argument("--copy-sample", action="store_true", help="compare the sample organisation with its copy in PostgreSQL")
    arguments = parser.parse_args()
    if arguments.copy_sample:
        arguments.db = copy_sample(tempfile.mkdtemp())
    if len(arguments.db) != 2:
        sys.exit("give --db twice, or --copy-sample")
    for n, db in enumerate(arguments.db):
        CREDENTIALS[18480 + n] = credential(db)
    servers = [tessera_server.start(db, 18480 + n, *CREDENTIALS[18480 + n]) for n, db in enumerate(arguments.db)]
    try:
        paths = questions(18480)
        for path in paths:
            answers = [get(18480 + n, path) for n in range(2)]
            if "format=csv" in path:
                equal = same_csv(*answers)
            else:
                equal = same(json.loads(answers[0]), json.loads(answers[1]))
            if not equal:
                print(f"DIFFERENT: {path}\n  {answers[0][:400]!r}\n  {answers[1][:400]!r}")
                sys.exit(1)
        print(f"{len(paths)} answers, all the same")
    finally:
        for server in servers:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
