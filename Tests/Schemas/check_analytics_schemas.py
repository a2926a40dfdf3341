#!/usr/bin/env python3
"""The catalog and roster JSON Schemas accept the sample organisation and refuse broken copies."""
import copy
import csv
import json
import pathlib
import sys

import jsonschema

ROOT = pathlib.Path(__file__).resolve().parents[2]
catalog_schema = json.loads((ROOT / "Schemas/catalog.schema.json").read_text())
roster_schema = json.loads((ROOT / "Schemas/roster.schema.json").read_text())
catalog = json.loads((ROOT / "Fixtures/analytics/catalog.json").read_text())
with open(ROOT / "Fixtures/analytics/roster.csv", newline="") as handle:
    roster = [{"agent": {"mbox": row["mbox"]}, "name": row["name"], "team": row["team"], "hired": row["hired"],
               "left": row["left"] or None} for row in csv.DictReader(handle)]

passed = failed = 0


def check(name, schema, document, valid):
    global passed, failed
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(document))
    if (not errors) == valid:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: expected {'valid' if valid else 'invalid'}, got {errors[:1]}")


check("sample catalog", catalog_schema, catalog, True)
check("sample roster", roster_schema, roster, True)
broken = copy.deepcopy(catalog)
broken["programs"][0]["kind"] = "sideskilling"
check("catalog with an unknown kind", catalog_schema, broken, False)
broken = copy.deepcopy(catalog)
broken["programs"][0]["activities"] = []
check("catalog program without activities", catalog_schema, broken, False)
broken = copy.deepcopy(catalog)
broken["colour"] = "blue"
check("catalog with an unknown member", catalog_schema, broken, False)
broken = copy.deepcopy(roster)
broken[0]["hired"] = "soon"
check("roster with a bad date", roster_schema, broken, False)
broken = copy.deepcopy(roster)
broken[0]["agent"] = {"mbox": "mailto:a@example.com", "openid": "https://id.example.com/a"}
check("roster agent with two identifiers", roster_schema, broken, False)
print(f"analytics schemas: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
