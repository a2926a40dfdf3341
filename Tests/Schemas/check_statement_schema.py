#!/usr/bin/env python3
"""Checks Schemas/statement.schema.json against the statement fixtures.

Every valid fixture must pass the schema. Invalid fixtures that are well-formed JSON are mostly
rejected by it too; the rest break rules no JSON Schema can express (one identifier per agent,
min < max, component lists per interaction type, ...), which the validator enforces. Prints a
"N passed, N failed" line and exits non-zero on any failure.
"""
import glob
import json
import os
import sys

import jsonschema

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
schema = json.load(open(os.path.join(ROOT, "Schemas", "statement.schema.json")))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

passed = failed = 0
for path in sorted(glob.glob(os.path.join(ROOT, "Fixtures", "statements", "valid", "*.json"))):
    errors = list(validator.iter_errors(json.load(open(path, encoding="utf-8"))))
    if errors:
        failed += 1
        print(f"FAIL {os.path.basename(path)}: {errors[0].message[:200]}")
    else:
        passed += 1

rejected = parsable = 0
expectations = json.load(open(os.path.join(ROOT, "Fixtures", "statements", "invalid", "expectations.json")))
for name in expectations:
    try:
        document = json.load(open(os.path.join(ROOT, "Fixtures", "statements", "invalid", name + ".json"), encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        continue
    parsable += 1
    rejected += 1 if any(True for _ in validator.iter_errors(document)) else 0
# The schema must keep catching most structural errors (349 of 406 when this check was written).
if rejected * 100 < parsable * 80:
    failed += 1
    print(f"FAIL the schema rejects only {rejected} of {parsable} invalid fixtures")
else:
    passed += 1
print(f"schema: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
