#!/usr/bin/env python3
"""Loads the sample organisation into a running Tessera and prints the headline figures.

    python3 Fixtures/analytics/load_sample.py --url http://127.0.0.1:8080 --key KEY --secret SECRET

The credential needs the scopes admin and statements/write (the first-start admin credential
has both).
"""
import argparse
import base64
import json
import pathlib
import urllib.request

HERE = pathlib.Path(__file__).parent
parser = argparse.ArgumentParser()
parser.add_argument("--url", default="http://127.0.0.1:8080")
parser.add_argument("--key", required=True)
parser.add_argument("--secret", required=True)
arguments = parser.parse_args()
auth = "Basic " + base64.b64encode(f"{arguments.key}:{arguments.secret}".encode()).decode()


def call(method, path, body=None, content_type="application/json"):
    headers = {"Authorization": auth, "X-Experience-API-Version": "1.0.3"}
    if body is not None:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(arguments.url + path, data=body, method=method, headers=headers)
    with urllib.request.urlopen(request) as response:
        return response.read()


call("PUT", "/analytics/catalog", (HERE / "catalog.json").read_bytes())
call("PUT", "/analytics/roster", (HERE / "roster.csv").read_bytes(), "text/csv")
statements = json.loads((HERE / "statements.json").read_text())
for start in range(0, len(statements), 500):
    call("POST", "/xapi/statements", json.dumps(statements[start:start + 500]).encode())
print(f"loaded {len(statements)} statements")

outcomes = json.loads(call("GET", "/analytics/outcomes"))
for program in outcomes["programs"]:
    print(f'{program["name"]:<26} enrolled {program["enrolled"]:>3}  completed {program["completed"]:>3} '
          f'({program["completionRate"]:.0%})  behaviour change {program["behaviorChanged"]:>3} ({program["behaviorChangeRate"] or 0:.0%})')
knowledge = json.loads(call("GET", "/analytics/retention/knowledge"))
for row in knowledge["rows"]:
    print(f'{row["skillName"] or row["skill"]:<26} retention pairs {row["pairs"]:>3}  baseline {row["meanBaseline"]:.2f} '
          f'-> follow-up {row["meanFollowUp"]:.2f}  still at mastery {row["stillAtMastery"]} of {row["reachedMastery"]} who reached it')
employees = json.loads(call("GET", "/analytics/retention/employees?from=2024-05-31&to=2024-12-31"))["rows"][0]
print(f'employee retention: participants {employees["participants"]["rate"]:.0%} of {employees["participants"]["count"]}, '
      f'others {employees["nonParticipants"]["rate"]:.0%} of {employees["nonParticipants"]["count"]}: '
      f'{employees["differencePoints"]:+.1f} points')
compliance = json.loads(call("GET", "/analytics/compliance?asOf=2024-12-20"))
for program in compliance["programs"]:
    print(f'{program["name"]:<26} required of {program["people"]:>3}  completed {program["completed"]:>3}  '
          f'overdue {program["overdue"]:>3} on 2024-12-20')
