#!/usr/bin/env python3
"""Writes the statement fixtures under Fixtures/statements/.

valid/NAME.json      one statement each; valid under both xAPI versions unless NAME starts
                     with "v2-" (2.0 only) or "v1-" (1.0.3 only).
invalid/NAME.json    one statement (or raw bytes) each; invalid/expectations.json maps NAME to
                     {"path": ..., "message": fragment, "versions": [...]}: the error the
                     validator must report for each listed version.

The files are committed; run this script again only to change the set. It is deterministic.
"""
import copy
import hashlib
import json
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
BOTH = ["1.0.3", "2.0.0"]

ADL = "http://adlnet.gov/expapi/verbs/"
ACT = "https://courses.example.com/"


def agent(n=1, ifi="mbox"):
    if ifi == "mbox":
        return {"objectType": "Agent", "name": f"Learner {n}", "mbox": f"mailto:learner{n}@example.com"}
    if ifi == "mbox_sha1sum":
        return {"name": f"Learner {n}", "mbox_sha1sum": hashlib.sha1(f"mailto:learner{n}@example.com".encode()).hexdigest()}
    if ifi == "openid":
        return {"objectType": "Agent", "openid": f"https://openid.example.org/users/{n}"}
    return {"name": f"Learner {n}", "account": {"homePage": "https://lms.example.com", "name": f"user-{n:04d}"}}


def activity(slug, kind="course", name=None):
    return {
        "objectType": "Activity",
        "id": ACT + slug,
        "definition": {
            "name": {"en-US": name or slug.replace("-", " ").title()},
            "description": {"en-US": f"The {slug} {kind}."},
            "type": f"http://adlnet.gov/expapi/activities/{kind}",
        },
    }


def verb(word):
    return {"id": ADL + word, "display": {"en-US": word}}


def base(n=1, word="completed"):
    return {
        "id": f"6e1f{n:04x}-7c2a-4d4b-9a2e-2f9b1c{n:06x}",
        "actor": agent(n),
        "verb": verb(word),
        "object": activity(f"safety/module-{n}", "module"),
        "timestamp": f"2024-05-{(n % 27) + 1:02d}T10:{n % 60:02d}:00.000Z",
    }


def rich(n=1):
    s = base(n, "passed")
    s["result"] = {
        "score": {"scaled": 0.85, "raw": 85, "min": 0, "max": 100},
        "success": True,
        "completion": True,
        "duration": "PT25M12.5S",
        "response": "B",
        "extensions": {"https://tessera.example.com/ext/attempt": 2},
    }
    s["context"] = {
        "registration": f"a1b2c3d4-{n:04x}-4e5f-8a9b-0c1d2e3f4a5b",
        "instructor": agent(900 + n, "account"),
        "team": {"objectType": "Group", "name": "Operations", "member": [agent(n), agent(n + 1, "openid")]},
        "contextActivities": {
            "parent": [activity("safety", "course")],
            "grouping": [activity("onboarding", "program")],
            "category": [{"id": "https://skills.example.com/skill/forklift-safety"}],
            "other": [{"id": ACT + "glossary"}],
        },
        "revision": "r3",
        "platform": "Storyline 360",
        "language": "en-US",
        "statement": {"objectType": "StatementRef", "id": "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d"},
        "extensions": {"https://tessera.example.com/ext/site": "Leeds"},
    }
    return s


def substatement(n=1):
    s = base(n, "planned")
    s["object"] = {
        "objectType": "SubStatement",
        "actor": agent(n + 1),
        "verb": verb("attempted"),
        "object": activity("fire/drill", "simulation"),
        "result": {"score": {"scaled": 0.5}},
        "context": {
            "instructor": agent(n + 2, "account"),
            "team": {"objectType": "Group", "mbox": "mailto:team@example.com"},
            "contextActivities": {"parent": [activity("fire", "course")]},
            "revision": "2",
        },
        "timestamp": "2024-06-01T09:00:00Z",
    }
    return s


def with_attachment(n=1):
    s = base(n)
    s["attachments"] = [{
        "usageType": "http://adlnet.gov/expapi/attachments/certificate",
        "display": {"en-US": "Certificate"},
        "description": {"en-US": "Completion certificate"},
        "contentType": "application/pdf",
        "length": 23871,
        "sha2": hashlib.sha256(f"certificate {n}".encode()).hexdigest(),
        "fileUrl": "https://files.example.com/cert.pdf",
    }]
    return s


def interaction(kind, n=1):
    d = {"name": {"en-US": f"Question {n}"}, "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
         "interactionType": kind}
    comps = lambda prefix, k: [{"id": f"{prefix}{i}", "description": {"en-US": f"{prefix} {i}"}} for i in range(1, k + 1)]
    if kind == "true-false":
        d["correctResponsesPattern"] = ["true"]
    elif kind == "choice":
        d["choices"] = comps("choice-", 4)
        d["correctResponsesPattern"] = ["choice-2[,]choice-3"]
    elif kind == "sequencing":
        d["choices"] = comps("step-", 3)
        d["correctResponsesPattern"] = ["step-1[,]step-2[,]step-3"]
    elif kind == "likert":
        d["scale"] = comps("likert_", 5)
        d["correctResponsesPattern"] = ["likert_3"]
    elif kind == "matching":
        d["source"] = comps("src", 3)
        d["target"] = comps("tgt", 3)
        d["correctResponsesPattern"] = ["src1[.]tgt2[,]src2[.]tgt1"]
    elif kind == "performance":
        d["steps"] = comps("s", 3)
        d["correctResponsesPattern"] = ["s1[.]4[:][,]s2[.]Yes"]
    elif kind == "numeric":
        d["correctResponsesPattern"] = ["4[:]6"]
    elif kind in ("fill-in", "long-fill-in"):
        d["correctResponsesPattern"] = ["{case_matters=false}Bob's your uncle"]
    s = base(n, "answered")
    s["object"] = {"objectType": "Activity", "id": ACT + f"quiz/q{n}-{kind}", "definition": d}
    s["result"] = {"success": True, "response": "choice-2"}
    return s


def set_path(doc, path, value):
    """path: list of keys/indices; value DELETE removes."""
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value


DELETE = object()


def dotted(path):
    out = "statement"
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else ("." + key if key.replace("_", "").isalnum() else f'["{key}"]')
    return out


valid = {}
invalid = {}


def add_valid(name, statement):
    assert name not in valid, name
    valid[name] = statement


def add_invalid(name, statement, path, message, versions=BOTH):
    assert name not in invalid, name
    invalid[name] = (statement, path, message, versions)


# ---------------------------------------------------------------- valid
for n in range(1, 21):
    add_valid(f"simple-{n:02d}", base(n, ["completed", "passed", "failed", "attempted", "experienced"][n % 5]))
for n in range(1, 21):
    add_valid(f"rich-{n:02d}", rich(n))
for i, ifi in enumerate(["mbox", "mbox_sha1sum", "openid", "account"]):
    for n in range(1, 4):
        s = base(10 * i + n)
        s["actor"] = agent(10 * i + n, ifi)
        add_valid(f"actor-{ifi}-{n}", s)
kinds = ["true-false", "choice", "fill-in", "long-fill-in", "matching", "performance", "sequencing", "likert", "numeric", "other"]
for kind in kinds:
    for n in range(1, 3):
        add_valid(f"interaction-{kind}-{n}", interaction(kind, n))
for n in range(1, 6):
    add_valid(f"substatement-{n}", substatement(n))
for n in range(1, 6):
    add_valid(f"attachment-{n}", with_attachment(n))

groups = {
    "identified-mbox": {"objectType": "Group", "name": "Team A", "mbox": "mailto:team-a@example.com"},
    "identified-account": {"objectType": "Group", "account": {"homePage": "https://hr.example.com", "name": "team-b"}},
    "identified-with-members": {"objectType": "Group", "openid": "https://openid.example.org/teams/c", "member": [agent(3)]},
    "anonymous": {"objectType": "Group", "name": "Pair", "member": [agent(4), agent(5, "account")]},
    "anonymous-one": {"objectType": "Group", "member": [agent(6, "mbox_sha1sum")]},
}
for name, group in groups.items():
    s = base(7)
    s["actor"] = group
    add_valid(f"actor-group-{name}", s)
    s = base(8, "mentored")
    s["object"] = copy.deepcopy(group)
    add_valid(f"object-group-{name}", s)

for n, ifi in enumerate(["mbox", "account", "openid", "mbox_sha1sum"]):
    s = base(30 + n, "mentored")
    o = agent(40 + n, ifi)
    o["objectType"] = "Agent"
    s["object"] = o
    add_valid(f"object-agent-{ifi}", s)

s = base(50, "voided")
s["object"] = {"objectType": "StatementRef", "id": "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001"}
add_valid("voiding", s)
s = base(51, "commented")
s["object"] = {"objectType": "StatementRef", "id": "6E1F0001-7C2A-4D4B-9A2E-2F9B1C000001"}
add_valid("statementref-uppercase", s)

timestamps_both = ["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.123Z", "2024-05-01T10:00:00.123456789Z",
                   "2024-05-01T12:00:00+02:00", "2024-05-01T05:00:00-05:00", "2024-02-29T23:59:59.999Z",
                   "2024-05-01T10:00:00+00:00", "2024-12-31T23:59:59.5+05:30"]
for i, ts in enumerate(timestamps_both):
    s = base(60 + i)
    s["timestamp"] = ts
    add_valid(f"timestamp-{i + 1}", s)
for i, ts in enumerate(["2024-05-01T10:00:00", "2024-05-01T10:00Z", "2024-05-01T12:00:00+0200", "2024-05-01T12:00:00+02"]):
    s = base(70 + i)
    s["timestamp"] = ts
    add_valid(f"v1-timestamp-iso-{i + 1}", s)

durations = ["PT1H", "PT0.5S", "P1D", "P1Y2M3DT4H5M6S", "PT1H0M0.1S", "P4W", "PT25M", "P0D", "PT1.25S", "P1DT12H36M0.12567S"]
for i, d in enumerate(durations):
    s = base(80 + i)
    s["result"] = {"duration": d, "completion": True}
    add_valid(f"duration-{i + 1}", s)

scores = [{"scaled": 1}, {"scaled": -1}, {"scaled": 0}, {"raw": 7, "min": 0, "max": 10}, {"raw": -5, "min": -10, "max": 0},
          {"raw": 1e3}, {"min": 1, "max": 2}, {"scaled": 0.333333333333, "raw": 1.5e1, "max": 15}, {"raw": 0.0000001}]
for i, sc in enumerate(scores):
    s = base(90 + i, "scored")
    s["result"] = {"score": sc}
    add_valid(f"score-{i + 1}", s)

languages = ["en", "en-US", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1901", "x-private", "es-419", "en-GB-oed", "i-klingon",
             "sl-rozaj-biske", "en-a-bbb-x-a-ccc", "zh-yue-HK"]
for i, tag in enumerate(languages):
    s = base(100 + i)
    s["verb"]["display"] = {tag: "done"}
    s["context"] = {"language": tag}
    add_valid(f"language-{i + 1}", s)

ext_values = [None, "", {}, [], {"nested": {"deep": [1, 2, {"x": None}]}}, 1.5e300, True, "ünïcödé ✓ 😀"]
for i, value in enumerate(ext_values):
    s = base(120 + i)
    s["result"] = {"extensions": {"https://tessera.example.com/ext/value": value}}
    s["context"] = {"extensions": {"urn:example:ext": value}}
    s["object"]["definition"]["extensions"] = {"https://tessera.example.com/ext/def": value}
    add_valid(f"extension-value-{i + 1}", s)

s = base(130)
del s["id"]
del s["timestamp"]
add_valid("minimal-no-id", s)
s = {"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}
add_valid("minimal-urns", s)
for i, v in enumerate(["1.0.0", "1.0.3", "1.0.2", "1.0.99", "1.0"]):
    s = base(131 + i)
    s["version"] = v
    add_valid(f"version-{v}", s)
s = base(136)
s["version"] = "2.0.0"
add_valid("v2-version-2.0.0", s)
s = base(150)
s["version"] = "2.0"
add_valid("v2-version-2.0", s)
s = base(137)
s["stored"] = "2024-05-02T00:00:00.000Z"
s["authority"] = agent(999, "account")
add_valid("stored-and-authority", s)
s = base(138)
s["authority"] = {"objectType": "Group", "member": [agent(1, "account"), agent(2, "account")]}
add_valid("authority-oauth-group", s)
s = base(139)
s["context"] = {"contextActivities": {"parent": activity("single", "course"), "category": {"id": "https://skills.example.com/skill/x"}}}
add_valid("context-activities-single-objects", s)
s = base(140)
s["context"] = {"contextActivities": {"other": []}}
add_valid("context-activities-empty-array", s)
s = base(141)
s["object"] = {"id": ACT + "no-definition"}
add_valid("activity-no-object-type", s)
s = base(142)
s["object"]["definition"] = {}
add_valid("activity-empty-definition", s)
s = base(143)
s["object"]["definition"]["moreInfo"] = "https://courses.example.com/info"
add_valid("activity-more-info", s)
s = base(144)
s["context"] = {"instructor": {"objectType": "Group", "member": [agent(3)]}}
add_valid("instructor-group", s)
s = base(145)
s["verb"] = {"id": ADL + "completed"}
add_valid("verb-no-display", s)
s = base(146)
s["verb"]["display"] = {"en-US": "completed", "fr-FR": "a terminé", "ja-JP": "完了しました"}
add_valid("verb-display-many", s)
s = base(147)
s["result"] = {"success": False, "completion": False, "response": ""}
add_valid("result-false-empty-response", s)
s = base(148)
s["actor"]["name"] = "Zoë \"Quote\" \\ O'Brien\n"
add_valid("actor-name-escapes", s)
s = base(149)
s["object"]["id"] = "https://courses.example.com/über/kurs?x=1&y=%20#frag"
add_valid("activity-iri-unicode", s)

# xAPI 2.0 context agents and groups
for n in range(1, 6):
    s = rich(150 + n)
    s["context"]["contextAgents"] = [{"objectType": "contextAgent", "agent": agent(n + 200, "account"),
                                      "relevantTypes": ["https://tessera.example.com/types/manager"]},
                                     {"objectType": "contextAgent", "agent": agent(n + 210)}]
    s["context"]["contextGroups"] = [{"objectType": "contextGroup",
                                      "group": {"objectType": "Group", "mbox": "mailto:cohort@example.com"},
                                      "relevantTypes": ["https://tessera.example.com/types/cohort"]}]
    add_valid(f"v2-context-agents-{n}", s)

# ---------------------------------------------------------------- invalid
# Every position an agent can take, with the path to it.
actor_positions = {
    "actor": ["actor"],
    "instructor": ["context", "instructor"],
    "authority": ["authority"],
    "team-member": ["context", "team", "member", 0],
    "object-agent": ["object"],
    "sub-actor": ["object", "actor"],
    "sub-instructor": ["object", "context", "instructor"],
}


def statement_for(position):
    s = substatement(5) if position.startswith("sub-") else rich(5)
    if position == "authority":
        s["authority"] = agent(7, "account")
    if position == "object-agent":
        s["object"] = agent(8)
        del s["context"]["revision"], s["context"]["platform"]
    return s


agent_breakers = [
    ("mbox-no-mailto", "mbox", "learner@example.com", "mbox", "mailto"),
    ("mbox-no-at", "mbox", "mailto:learner.example.com", "mbox", "mailto"),
    ("mbox-empty", "mbox", "", "mbox", "mailto"),
    ("mbox-number", "mbox", 42, "mbox", "must be a string"),
    ("sha1-short", "mbox_sha1sum", "abc123", "mbox_sha1sum", "SHA-1"),
    ("sha1-nonhex", "mbox_sha1sum", "z" * 40, "mbox_sha1sum", "SHA-1"),
    ("openid-no-scheme", "openid", "openid.example.org/1", "openid", "IRI"),
    ("account-no-homepage", "account", {"name": "x"}, "account.homePage", "is required"),
    ("account-no-name", "account", {"homePage": "https://lms.example.com"}, "account.name", "is required"),
    ("account-bad-homepage", "account", {"homePage": "lms.example.com", "name": "x"}, "account.homePage", "IRI"),
    ("account-extra-key", "account", {"homePage": "https://lms.example.com", "name": "x", "id": 1}, "account.id", "not allowed"),
    ("account-string", "account", "user-1", "account", "must be an object"),
    ("name-number", "name", 7, "name", "must be a string"),
    ("name-null", "name", None, "name", "must not be null"),
    ("unknown-key", "email", "x@y.z", "email", "not allowed"),
    ("object-type-lowercase", "objectType", "agent", "objectType", "must be"),
]
for position, path in actor_positions.items():
    for name, key, value, suffix, message in agent_breakers:
        if position == "object-agent" and key == "objectType":
            continue
        s = statement_for(position)
        target = s
        for k in path:
            target = target[k]
        # replace the IFI with the broken one
        for ifi in ("mbox", "mbox_sha1sum", "openid", "account"):
            if key in ("mbox", "mbox_sha1sum", "openid", "account") and ifi in target:
                del target[ifi]
        target[key] = value
        if key not in ("mbox", "mbox_sha1sum", "openid", "account") and not any(
                i in target for i in ("mbox", "mbox_sha1sum", "openid", "account")):
            target["mbox"] = "mailto:x@example.com"
        expected_path = dotted(path) + "." + suffix
        add_invalid(f"{position}-{name}", s, expected_path, message)
    # two identifiers, none
    s = statement_for(position)
    target = s
    for k in path:
        target = target[k]
    for ifi in ("mbox", "mbox_sha1sum", "openid", "account"):
        target.pop(ifi, None)
    target["mbox"] = "mailto:one@example.com"
    target["openid"] = "https://openid.example.org/one"
    add_invalid(f"{position}-two-ifis", s, dotted(path), "exactly one inverse functional identifier")
    s = statement_for(position)
    target = s
    for k in path:
        target = target[k]
    for ifi in ("mbox", "mbox_sha1sum", "openid", "account"):
        target.pop(ifi, None)
    add_invalid(f"{position}-no-ifi", s, dotted(path), "exactly one inverse functional identifier")

# Groups
group_positions = {"actor": ["actor"], "team": ["context", "team"], "object": ["object"], "sub-team": ["object", "context", "team"]}
for position, path in group_positions.items():
    def group_statement():
        if position.startswith("sub-"):
            return substatement(6)
        return base(6) if position == "object" else rich(6)
    cases = [
        ("anonymous-no-member", {"objectType": "Group", "name": "G"}, ".member", "is required"),
        ("anonymous-empty-member", {"objectType": "Group", "member": []}, ".member", "at least one member"),
        ("member-not-array", {"objectType": "Group", "member": agent(1)}, ".member", "must be an array"),
        ("member-is-group", {"objectType": "Group", "member": [{"objectType": "Group", "mbox": "mailto:g@example.com"}]}, ".member[0].objectType", "must be \"Agent\""),
        ("member-bad-agent", {"objectType": "Group", "member": [{"mbox": "nope"}]}, ".member[0].mbox", "mailto"),
        ("two-ifis", {"objectType": "Group", "mbox": "mailto:g@example.com", "openid": "https://o.example.org/g"}, "", "exactly one inverse functional identifier"),
        ("unknown-key", {"objectType": "Group", "mbox": "mailto:g@example.com", "size": 3}, ".size", "not allowed"),
    ]
    for name, group, suffix, message in cases:
        s = group_statement()
        set_path(s, path, group)
        add_invalid(f"group-{position}-{name}", s, dotted(path) + suffix, message)
for name, path in {"team-agent": ["context", "team"], "sub-team-agent": ["object", "context", "team"]}.items():
    s = substatement(7) if name.startswith("sub") else rich(7)
    set_path(s, path, agent(3))
    add_invalid(f"group-{name}", s, dotted(path) + ".objectType", "must be \"Group\"")
    s = substatement(7) if name.startswith("sub") else rich(7)
    g = agent(3)
    del g["objectType"]
    set_path(s, path, g)
    add_invalid(f"group-{name}-no-object-type", s, dotted(path) + ".objectType", "is required")
s = base(9)
s["object"] = {"mbox": "mailto:x@example.com", "name": "no type"}
add_invalid("object-agent-without-object-type", s, "statement.object.mbox", "not allowed in an Activity")
s = base(9)
s["object"] = {"objectType": "Agent"}
add_invalid("object-agent-declared-only", s, "statement.object", "exactly one inverse functional identifier")
s = base(9)
s["authority"] = {"objectType": "Group", "member": [agent(1), agent(2), agent(3)]}
add_invalid("authority-group-three-members", s, "statement.authority", "exactly two Agent members")
s = base(9)
s["authority"] = {"objectType": "Group", "member": [agent(1)]}
add_invalid("authority-group-one-member", s, "statement.authority", "exactly two Agent members")
s = base(9)
s["authority"] = {"objectType": "Group", "name": "no members"}
add_invalid("authority-anonymous-group-no-member", s, "statement.authority.member", "is required")
for ifi in ["mbox", "mbox_sha1sum", "openid", "account"]:
    s = base(11)
    s["authority"] = {**agent(3, ifi), "objectType": "Group", "member": [agent(1, "account"), agent(2, "account")]}
    add_invalid(f"authority-identified-group-{ifi}", s, "statement.authority", "anonymous")

# Statement top level
top = [
    ("missing-actor", ["actor"], DELETE, "statement.actor", "is required"),
    ("missing-verb", ["verb"], DELETE, "statement.verb", "is required"),
    ("missing-object", ["object"], DELETE, "statement.object", "is required"),
    ("unknown-key", ["foo"], "bar", "statement.foo", "not allowed"),
    ("key-wrong-case", ["Actor"], agent(1), "statement.Actor", "not allowed"),
    ("object-type-at-top", ["objectType"], "Statement", "statement.objectType", "not allowed"),
    ("id-not-uuid", ["id"], "not-a-uuid", "statement.id", "UUID"),
    ("id-too-long", ["id"], "AA97B177-9383-4934-8543-0F91A7A028368", "statement.id", "UUID"),
    ("id-bad-letter", ["id"], "MA97B177-9383-4934-8543-0F91A7A02836", "statement.id", "UUID"),
    ("id-number", ["id"], 12345, "statement.id", "must be a string"),
    ("id-null", ["id"], None, "statement.id", "must not be null"),
    ("id-empty", ["id"], "", "statement.id", "UUID"),
    ("id-no-dashes", ["id"], "6e1f00017c2a4d4b9a2e2f9b1c000001", "statement.id", "UUID"),
    ("actor-string", ["actor"], "learner", "statement.actor", "must be an object"),
    ("actor-null", ["actor"], None, "statement.actor", "must not be null"),
    ("actor-array", ["actor"], [agent(1)], "statement.actor", "must be an object"),
    ("verb-string", ["verb"], ADL + "completed", "statement.verb", "must be an object"),
    ("object-string", ["object"], ACT + "x", "statement.object", "must be an object"),
    ("timestamp-garbage", ["timestamp"], "should fail", "statement.timestamp", "date-time"),
    ("timestamp-us-date", ["timestamp"], "01/011/2015", "statement.timestamp", "date-time"),
    ("timestamp-minus-00", ["timestamp"], "2008-09-15T15:53:00.601-00", "statement.timestamp", "-00:00"),
    ("timestamp-minus-0000", ["timestamp"], "2008-09-15T15:53:00.601-0000", "statement.timestamp", "-00:00"),
    ("timestamp-minus-00-00", ["timestamp"], "2008-09-15T15:53:00.601-00:00", "statement.timestamp", "-00:00"),
    ("timestamp-month-13", ["timestamp"], "2024-13-01T00:00:00Z", "statement.timestamp", "out of range"),
    ("timestamp-feb-30", ["timestamp"], "2023-02-29T00:00:00Z", "statement.timestamp", "out of range"),
    ("timestamp-hour-24", ["timestamp"], "2024-01-01T24:00:00Z", "statement.timestamp", "out of range"),
    ("timestamp-date-only", ["timestamp"], "2024-01-01", "statement.timestamp", "date-time"),
    ("timestamp-number", ["timestamp"], 1714557600, "statement.timestamp", "must be a string"),
    ("timestamp-trailing", ["timestamp"], "2024-01-01T00:00:00Zjunk", "statement.timestamp", "date-time"),
    ("stored-garbage", ["stored"], "yesterday", "statement.stored", "date-time"),
    ("version-3", ["version"], "3.0.0", "statement.version", "must be"),
    ("version-number", ["version"], 1.0, "statement.version", "must be a string"),
    ("version-0.95", ["version"], "0.95", "statement.version", "must be"),
    ("attachments-object", ["attachments"], {}, "statement.attachments", "must be an array"),
]
for name, path, value, expected, message in top:
    s = base(11)
    set_path(s, path, value)
    add_invalid(f"statement-{name}", s, expected, message)
s = base(11)
s["version"] = "2.0.0"
add_invalid("v1-statement-version-2.0.0", s, "statement.version", "1.0.x", ["1.0.3"])
s = base(11)
s["timestamp"] = "2024-05-01T10:00:00"
add_invalid("v2-timestamp-no-offset", s, "statement.timestamp", "offset", ["2.0.0"])
s = base(11)
s["timestamp"] = "2024-05-01T12:00:00+0200"
add_invalid("v2-timestamp-basic-offset", s, "statement.timestamp", "RFC 3339", ["2.0.0"])
s = base(11)
s["timestamp"] = "2024-05-01T10:00Z"
add_invalid("v2-timestamp-no-seconds", s, "statement.timestamp", "RFC 3339", ["2.0.0"])

# Verb
verb_cases = [
    ("no-id", {"display": {"en-US": "x"}}, "statement.verb.id", "is required"),
    ("id-no-scheme", {"id": "completed"}, "statement.verb.id", "IRI"),
    ("id-empty", {"id": ""}, "statement.verb.id", "IRI"),
    ("id-space", {"id": "http://example.com/has space"}, "statement.verb.id", "IRI"),
    ("id-number", {"id": 5}, "statement.verb.id", "must be a string"),
    ("display-string", {"id": ADL + "x", "display": "done"}, "statement.verb.display", "must be an object"),
    ("display-bad-tag", {"id": ADL + "x", "display": {"e": "done"}}, "statement.verb.display.e", "RFC 5646"),
    ("display-tag-underscore", {"id": ADL + "x", "display": {"en_US": "done"}}, "statement.verb.display.en_US", "RFC 5646"),
    ("display-value-number", {"id": ADL + "x", "display": {"en-US": 1}}, 'statement.verb.display["en-US"]', "must be a string"),
    ("display-value-null", {"id": ADL + "x", "display": {"en-US": None}}, 'statement.verb.display["en-US"]', "must not be null"),
    ("display-empty-tag", {"id": ADL + "x", "display": {"": "done"}}, 'statement.verb.display[""]', "RFC 5646"),
    ("display-tag-too-long-subtag", {"id": ADL + "x", "display": {"en-toolongsubtag": "x"}}, 'statement.verb.display["en-toolongsubtag"]', "RFC 5646"),
    ("display-tag-double-dash", {"id": ADL + "x", "display": {"en--US": "x"}}, 'statement.verb.display["en--US"]', "RFC 5646"),
    ("display-tag-trailing-dash", {"id": ADL + "x", "display": {"en-": "x"}}, 'statement.verb.display["en-"]', "RFC 5646"),
    ("display-tag-digit-language", {"id": ADL + "x", "display": {"1en": "x"}}, 'statement.verb.display["1en"]', "RFC 5646"),
    ("display-tag-repeated-variant", {"id": ADL + "x", "display": {"de-1901-1901": "x"}}, 'statement.verb.display["de-1901-1901"]', "RFC 5646"),
    ("unknown-key", {"id": ADL + "x", "name": "x"}, "statement.verb.name", "not allowed"),
    ("id-wrong-case-key", {"ID": ADL + "x"}, "statement.verb.ID", "not allowed"),
]
for name, v, expected, message in verb_cases:
    s = base(12)
    s["verb"] = v
    add_invalid(f"verb-{name}", s, expected, message)
s = base(12, "voided")
add_invalid("verb-voided-activity-object", s, "statement.object", "must be a StatementRef")

# Object
object_cases = [
    ("unknown-object-type", {"objectType": "Thing", "id": ACT + "x"}, "statement.object.objectType", "must be one of"),
    ("object-type-lowercase-activity", {"objectType": "activity", "id": ACT + "x"}, "statement.object.objectType", "must be one of"),
    ("activity-no-id", {"objectType": "Activity"}, "statement.object.id", "is required"),
    ("activity-id-no-scheme", {"id": "courses/x"}, "statement.object.id", "IRI"),
    ("activity-id-null", {"id": None}, "statement.object.id", "must not be null"),
    ("activity-unknown-key", {"id": ACT + "x", "name": "x"}, "statement.object.name", "not allowed"),
    ("statementref-no-id", {"objectType": "StatementRef"}, "statement.object.id", "is required"),
    ("statementref-bad-id", {"objectType": "StatementRef", "id": "abc"}, "statement.object.id", "UUID"),
    ("statementref-too-many-digits", {"objectType": "StatementRef", "id": "AA97B177-9383-4934-8543-0F91A7A028368"}, "statement.object.id", "UUID"),
    ("statementref-extra-key", {"objectType": "StatementRef", "id": "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001", "definition": {}}, "statement.object.definition", "not allowed"),
    ("object-type-number", {"objectType": 1, "id": ACT + "x"}, "statement.object.objectType", "must be a string"),
]
for name, o, expected, message in object_cases:
    s = base(13)
    s["object"] = o
    add_invalid(f"object-{name}", s, expected, message)

definition_cases = [
    ("string", "a definition", "", "must be an object"),
    ("name-string", {"name": "Course"}, ".name", "must be an object"),
    ("description-bad-tag", {"description": {"english!": "x"}}, '.description["english!"]', "RFC 5646"),
    ("type-no-scheme", {"type": "course"}, ".type", "IRI"),
    ("more-info-no-scheme", {"moreInfo": "www.example.com"}, ".moreInfo", "IRI"),
    ("extensions-array", {"extensions": []}, ".extensions", "must be an object"),
    ("extension-key-not-iri", {"extensions": {"attempt": 1}}, ".extensions.attempt", "IRI"),
    ("unknown-key", {"title": "x"}, ".title", "not allowed"),
    ("interaction-type-unknown", {"interactionType": "essay"}, ".interactionType", "must be one of"),
    ("interaction-type-case", {"interactionType": "Choice"}, ".interactionType", "must be one of"),
    ("crp-without-type", {"correctResponsesPattern": ["a"]}, ".correctResponsesPattern", "only allowed with an interactionType"),
    ("choices-without-type", {"choices": [{"id": "a"}]}, ".choices", "only allowed with an interactionType"),
    ("crp-not-array", {"interactionType": "choice", "correctResponsesPattern": "a"}, ".correctResponsesPattern", "must be an array"),
    ("crp-number", {"interactionType": "numeric", "correctResponsesPattern": [5]}, ".correctResponsesPattern[0]", "must be a string"),
    ("choice-with-scale", {"interactionType": "choice", "scale": [{"id": "a"}]}, ".scale", "not allowed for interactionType"),
    ("likert-with-choices", {"interactionType": "likert", "choices": [{"id": "a"}]}, ".choices", "not allowed for interactionType"),
    ("true-false-with-choices", {"interactionType": "true-false", "choices": [{"id": "a"}]}, ".choices", "not allowed for interactionType"),
    ("matching-with-steps", {"interactionType": "matching", "steps": [{"id": "a"}]}, ".steps", "not allowed for interactionType"),
    ("performance-with-source", {"interactionType": "performance", "source": [{"id": "a"}]}, ".source", "not allowed for interactionType"),
    ("sequencing-with-target", {"interactionType": "sequencing", "target": [{"id": "a"}]}, ".target", "not allowed for interactionType"),
    ("numeric-with-choices", {"interactionType": "numeric", "choices": [{"id": "a"}]}, ".choices", "not allowed for interactionType"),
    ("other-with-steps", {"interactionType": "other", "steps": [{"id": "a"}]}, ".steps", "not allowed for interactionType"),
    ("fill-in-with-scale", {"interactionType": "fill-in", "scale": [{"id": "a"}]}, ".scale", "not allowed for interactionType"),
    ("component-duplicate-ids", {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}, ".choices[1].id", "duplicates"),
    ("component-no-id", {"interactionType": "choice", "choices": [{"description": {"en": "x"}}]}, ".choices[0].id", "is required"),
    ("component-empty-id", {"interactionType": "likert", "scale": [{"id": ""}]}, ".scale[0].id", "must not be empty"),
    ("component-unknown-key", {"interactionType": "matching", "source": [{"id": "a", "value": 1}]}, ".source[0].value", "not allowed"),
    ("component-description-string", {"interactionType": "performance", "steps": [{"id": "a", "description": "x"}]}, ".steps[0].description", "must be an object"),
    ("components-not-array", {"interactionType": "choice", "choices": {"id": "a"}}, ".choices", "must be an array"),
]
for name, d, suffix, message in definition_cases:
    for where, path in (("object", ["object", "definition"]), ("parent", ["context", "contextActivities", "parent", 0, "definition"]),
                        ("sub-object", ["object", "object", "definition"])):
        if where != "object" and not name.startswith(("string", "type", "interaction-type-unknown", "choice-with", "component-dup", "extension-key")):
            continue
        s = substatement(14) if where == "sub-object" else rich(14)
        set_path(s, path, d)
        add_invalid(f"definition-{where}-{name}", s, dotted(path) + suffix, message)

# SubStatement
sub_cases = [
    ("nested-substatement", ["object", "object"], {"objectType": "SubStatement", "actor": agent(1), "verb": verb("x"), "object": activity("y")}, "statement.object.object.objectType", "must not contain another SubStatement"),
    ("has-id", ["object", "id"], "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001", "statement.object.id", "only a top-level Statement"),
    ("has-stored", ["object", "stored"], "2024-01-01T00:00:00Z", "statement.object.stored", "only a top-level Statement"),
    ("has-version", ["object", "version"], "1.0.0", "statement.object.version", "only a top-level Statement"),
    ("has-authority", ["object", "authority"], agent(2), "statement.object.authority", "only a top-level Statement"),
    ("missing-actor", ["object", "actor"], DELETE, "statement.object.actor", "is required"),
    ("missing-verb", ["object", "verb"], DELETE, "statement.object.verb", "is required"),
    ("missing-object", ["object", "object"], DELETE, "statement.object.object", "is required"),
    ("bad-timestamp", ["object", "timestamp"], "2008-09-15T15:53:00.601-00:00", "statement.object.timestamp", "-00:00"),
    ("bad-verb-id", ["object", "verb", "id"], "attempted", "statement.object.verb.id", "IRI"),
    ("revision-on-agent-object", ["object", "object"], agent(4), "statement.object.context.revision", "only allowed when the statement's object is an Activity"),
    ("unknown-key", ["object", "score"], 1, "statement.object.score", "not allowed"),
]
for name, path, value, expected, message in sub_cases:
    s = substatement(15)
    set_path(s, path, value)
    add_invalid(f"substatement-{name}", s, expected, message)

# Result
result_cases = [
    ("not-object", "passed", "statement.result", "must be an object"),
    ("success-string", {"success": "true"}, "statement.result.success", "must be a boolean"),
    ("completion-number", {"completion": 1}, "statement.result.completion", "must be a boolean"),
    ("response-number", {"response": 3}, "statement.result.response", "must be a string"),
    ("duration-garbage", {"duration": "should fail"}, "statement.result.duration", "ISO 8601 duration"),
    ("duration-bad-designator", {"duration": "PA1H0M0S"}, "statement.result.duration", "ISO 8601 duration"),
    ("duration-number", {"duration": 12345}, "statement.result.duration", "must be a string"),
    ("duration-empty-p", {"duration": "P"}, "statement.result.duration", "ISO 8601 duration"),
    ("duration-empty-t", {"duration": "P1DT"}, "statement.result.duration", "ISO 8601 duration"),
    ("duration-wrong-order", {"duration": "PT5S4M"}, "statement.result.duration", "ISO 8601 duration"),
    ("duration-week-mixed", {"duration": "P1W2D"}, "statement.result.duration", "ISO 8601 duration"),
    ("duration-fraction-not-last", {"duration": "PT1.5H30M"}, "statement.result.duration", "ISO 8601 duration"),
    ("duration-alternative-format", {"duration": "P0001-02-03T04:05:06"}, "statement.result.duration", "ISO 8601 duration"),
    ("duration-lowercase", {"duration": "pt1h"}, "statement.result.duration", "ISO 8601 duration"),
    ("score-not-object", {"score": 5}, "statement.result.score", "must be an object"),
    ("score-scaled-above-1", {"score": {"scaled": 1.01}}, "statement.result.score.scaled", "between -1 and 1"),
    ("score-scaled-below-minus-1", {"score": {"scaled": -1.5}}, "statement.result.score.scaled", "between -1 and 1"),
    ("score-scaled-string", {"score": {"scaled": "0.5"}}, "statement.result.score.scaled", "must be a number"),
    ("score-raw-string", {"score": {"raw": "85"}}, "statement.result.score.raw", "must be a number"),
    ("score-raw-above-max", {"score": {"raw": 101, "min": 0, "max": 100}}, "statement.result.score.raw", "greater than max"),
    ("score-raw-below-min", {"score": {"raw": -1, "min": 0, "max": 100}}, "statement.result.score.raw", "less than min"),
    ("score-max-below-min", {"score": {"min": 10, "max": 5}}, "statement.result.score.max", "greater than min"),
    ("score-max-equals-min", {"score": {"min": 5, "max": 5}}, "statement.result.score.max", "greater than min"),
    ("score-unknown-key", {"score": {"percent": 50}}, "statement.result.score.percent", "not allowed"),
    ("score-null", {"score": {"raw": None}}, "statement.result.score.raw", "must not be null"),
    ("unknown-key", {"grade": "A"}, "statement.result.grade", "not allowed"),
    ("extensions-bad-key", {"extensions": {"not an iri": 1}}, 'statement.result.extensions["not an iri"]', "IRI"),
    ("extensions-null", {"extensions": None}, "statement.result.extensions", "must not be null"),
]
for name, r, expected, message in result_cases:
    for where in ("statement", "sub"):
        if where == "sub" and not name.startswith(("duration-garbage", "score-scaled-above", "score-raw-above", "success-string", "extensions-bad")):
            continue
        s = substatement(16) if where == "sub" else base(16)
        if where == "sub":
            s["object"]["result"] = r
            add_invalid(f"result-sub-{name}", s, expected.replace("statement.result", "statement.object.result"), message)
        else:
            s["result"] = r
            add_invalid(f"result-{name}", s, expected, message)

# Context
context_cases = [
    ("not-object", [], "statement.context", "must be an object"),
    ("registration-bad", {"registration": "reg-1"}, "statement.context.registration", "UUID"),
    ("registration-too-many-digits", {"registration": "AA97B177-9383-4934-8543-0F91A7A028368"}, "statement.context.registration", "UUID"),
    ("language-bad", {"language": "en_US"}, "statement.context.language", "RFC 5646"),
    ("language-number", {"language": 1}, "statement.context.language", "must be a string"),
    ("revision-number", {"revision": 3}, "statement.context.revision", "must be a string"),
    ("platform-array", {"platform": ["x"]}, "statement.context.platform", "must be a string"),
    ("statement-not-ref", {"statement": {"id": "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001"}}, "statement.context.statement.objectType", "is required"),
    ("statement-wrong-type", {"statement": {"objectType": "Activity", "id": "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001"}}, "statement.context.statement.objectType", "StatementRef"),
    ("statement-bad-id", {"statement": {"objectType": "StatementRef", "id": "nope"}}, "statement.context.statement.id", "UUID"),
    ("context-activities-bad-key", {"contextActivities": {"parents": [activity("x")]}}, "statement.context.contextActivities.parents", "not allowed in contextActivities"),
    ("context-activities-string", {"contextActivities": {"parent": ACT + "x"}}, "statement.context.contextActivities.parent", "must be an array"),
    ("context-activities-no-id", {"contextActivities": {"grouping": [{"definition": {}}]}}, "statement.context.contextActivities.grouping[0].id", "is required"),
    ("context-activities-bad-id", {"contextActivities": {"category": [{"id": "skill"}]}}, "statement.context.contextActivities.category[0].id", "IRI"),
    ("context-activities-agent", {"contextActivities": {"other": [agent(1)]}}, "statement.context.contextActivities.other[0].objectType", "must be \"Activity\""),
    ("context-activities-wrong-case", {"contextActivities": {"Parent": [activity("x")]}}, "statement.context.contextActivities.Parent", "not allowed in contextActivities"),
    ("extensions-key-no-scheme", {"extensions": {"site": "x"}}, "statement.context.extensions.site", "IRI"),
    ("unknown-key", {"course": "x"}, "statement.context.course", "not allowed"),
    ("null-value", {"registration": None}, "statement.context.registration", "must not be null"),
]
for name, c, expected, message in context_cases:
    s = base(17)
    s["context"] = c
    add_invalid(f"context-{name}", s, expected, message)
for name, obj in (("statementref", {"objectType": "StatementRef", "id": "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001"}),
                  ("agent", agent(2)), ("group", {"objectType": "Group", "member": [agent(1)]})):
    for key in ("revision", "platform"):
        s = base(17, "voided" if name == "statementref" else "mentored")
        s["object"] = obj
        s["context"] = {key: "x"}
        add_invalid(f"context-{key}-with-{name}-object", s, f"statement.context.{key}", "only allowed when the statement's object is an Activity")
# contextAgents / contextGroups
s = base(18)
s["context"] = {"contextAgents": [{"objectType": "contextAgent", "agent": agent(1)}]}
add_invalid("v1-context-agents-not-in-1.0.3", s, "statement.context.contextAgents", "before xAPI 2.0", ["1.0.3"])
s = base(18)
s["context"] = {"contextGroups": [{"objectType": "contextGroup", "group": {"objectType": "Group", "member": [agent(1)]}}]}
add_invalid("v1-context-groups-not-in-1.0.3", s, "statement.context.contextGroups", "before xAPI 2.0", ["1.0.3"])
ca_cases = [
    ("agents-not-array", "contextAgents", {"objectType": "contextAgent", "agent": agent(1)}, "", "must be an array"),
    ("agent-wrong-object-type", "contextAgents", [{"objectType": "Should fail", "agent": agent(1)}], "[0].objectType", "contextAgent"),
    ("agent-missing-object-type", "contextAgents", [{"agent": agent(1)}], "[0].objectType", "is required"),
    ("agent-invalid-agent", "contextAgents", [{"objectType": "contextAgent", "agent": {"key": "Should fail"}}], "[0].agent.key", "not allowed"),
    ("agent-is-group", "contextAgents", [{"objectType": "contextAgent", "agent": {"objectType": "Group", "member": [agent(1)]}}], "[0].agent.objectType", "must be \"Agent\""),
    ("agent-missing-agent", "contextAgents", [{"objectType": "contextAgent"}], "[0].agent", "is required"),
    ("agent-relevant-types-empty", "contextAgents", [{"objectType": "contextAgent", "agent": agent(1), "relevantTypes": []}], "[0].relevantTypes", "empty"),
    ("agent-relevant-types-non-iri", "contextAgents", [{"objectType": "contextAgent", "agent": agent(1), "relevantTypes": ["abc"]}], "[0].relevantTypes[0]", "IRI"),
    ("agent-unknown-key", "contextAgents", [{"objectType": "contextAgent", "agent": agent(1), "role": "x"}], "[0].role", "not allowed"),
    ("groups-wrong-object-type", "contextGroups", [{"objectType": "contextAgent", "group": {"objectType": "Group", "member": [agent(1)]}}], "[0].objectType", "contextGroup"),
    ("groups-agent-not-group", "contextGroups", [{"objectType": "contextGroup", "group": agent(1)}], "[0].group.objectType", "must be \"Group\""),
    ("groups-invalid-group", "contextGroups", [{"objectType": "contextGroup", "group": {"objectType": "Group"}}], "[0].group.member", "is required"),
    ("groups-relevant-types-empty", "contextGroups", [{"objectType": "contextGroup", "group": {"objectType": "Group", "member": [agent(1)]}, "relevantTypes": []}], "[0].relevantTypes", "empty"),
    ("groups-relevant-types-non-iri", "contextGroups", [{"objectType": "contextGroup", "group": {"objectType": "Group", "member": [agent(1)]}, "relevantTypes": ["abc"]}], "[0].relevantTypes[0]", "IRI"),
]
for name, key, value, suffix, message in ca_cases:
    for where in ("statement", "sub"):
        s = substatement(19) if where == "sub" else base(19)
        ctx = {key: value}
        if where == "sub":
            s["object"]["context"] = ctx
            prefix = "statement.object.context."
        else:
            s["context"] = ctx
            prefix = "statement.context."
        add_invalid(f"v2-context-{where}-{name}", s, prefix + key + suffix, message, ["2.0.0"])

# Attachments
att = with_attachment(20)["attachments"][0]
att_cases = [
    ("no-usage-type", "usageType", DELETE, "usageType", "is required"),
    ("usage-type-no-scheme", "usageType", "certificate", "usageType", "IRI"),
    ("no-display", "display", DELETE, "display", "is required"),
    ("display-string", "display", "Certificate", "display", "must be an object"),
    ("description-bad-tag", "description", {"en US": "x"}, 'description["en US"]', "RFC 5646"),
    ("no-content-type", "contentType", DELETE, "contentType", "is required"),
    ("content-type-bad", "contentType", "pdf", "contentType", "media type"),
    ("content-type-number", "contentType", 5, "contentType", "must be a string"),
    ("no-length", "length", DELETE, "length", "is required"),
    ("length-string", "length", "23871", "length", "must be a number"),
    ("length-negative", "length", -1, "length", "non-negative integer"),
    ("length-fraction", "length", 1.5, "length", "non-negative integer"),
    ("no-sha2", "sha2", DELETE, "sha2", "is required"),
    ("sha2-not-hex", "sha2", "not-a-hash", "sha2", "SHA-2"),
    ("sha2-wrong-length", "sha2", "abcdef", "sha2", "SHA-2"),
    ("file-url-no-scheme", "fileUrl", "files/cert.pdf", "fileUrl", "IRI"),
    ("unknown-key", "data", "aGVsbG8=", "data", "not allowed"),
]
for name, key, value, suffix, message in att_cases:
    s = with_attachment(20)
    set_path(s, ["attachments", 0, key], value)
    add_invalid(f"attachment-{name}", s, "statement.attachments[0]." + suffix, message)
s = with_attachment(20)
s["attachments"] = [att, "not an attachment"]
add_invalid("attachment-not-object", s, "statement.attachments[1]", "must be an object")

# Null values anywhere but extensions
for name, path in (("verb-display", ["verb", "display"]), ("object-definition", ["object", "definition"]),
                   ("context", ["context"]), ("result", ["result"]), ("timestamp", ["timestamp"]),
                   ("definition-name", ["object", "definition", "name"]), ("definition-type", ["object", "definition", "type"])):
    s = base(21)
    set_path(s, path, None)
    add_invalid(f"null-{name}", s, dotted(path), "must not be null")

# ---------------------------------------------------------------- raw-byte cases (not expressible as JSON objects)
raw_invalid = [
    ("json-truncated", b'{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"', "body", "unexpected end of input"),
    ("json-trailing-comma", b'{"actor": {"mbox": "mailto:a@b.c"},}', "body", "expected a string key"),
    ("json-duplicate-key", b'{"actor": {"mbox": "mailto:a@b.c"}, "actor": {"mbox": "mailto:c@d.e"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}', "body", "duplicate key \"actor\""),
    ("json-duplicate-nested-key", b'{"actor": {"mbox": "mailto:a@b.c", "mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}', "body", "duplicate key \"mbox\""),
    ("json-duplicate-escaped-key", b'{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v", "\\u0069d": "urn:x:w"}, "object": {"id": "urn:x:o"}}', "body", "duplicate key \"id\""),
    ("json-bad-utf8", b'{"actor": {"name": "\xff\xfe", "mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}', "body", "UTF-8"),
    ("json-overlong-utf8", b'{"actor": {"name": "\xc0\xaf", "mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}', "body", "UTF-8"),
    ("json-surrogate-utf8", b'{"actor": {"name": "\xed\xa0\x80", "mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}', "body", "UTF-8"),
    ("json-lone-surrogate-escape", b'{"actor": {"name": "\\ud800", "mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}', "body", "surrogate"),
    ("json-nan", b'{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}, "result": {"score": {"raw": NaN}}}', "body", "expected a value"),
    ("json-infinity", b'{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}, "result": {"score": {"raw": Infinity}}}', "body", "expected a value"),
    ("json-huge-number", b'{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}, "result": {"score": {"raw": 1e999}}}', "body", "out of range"),
    ("json-leading-zero", b'{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}, "result": {"score": {"raw": 012}}}', "body", "leading zeros"),
    ("json-control-char", b'{"actor": {"name": "a\x01b", "mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}', "body", "control character"),
    ("json-single-quotes", b"{'actor': {}}", "body", "expected a string key"),
    ("json-comment", b'{"actor": {"mbox": "mailto:a@b.c"} /* c */}', "body", "expected ',' or '}'"),
    ("json-bom", b'\xef\xbb\xbf{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}', "body", "byte order mark"),
    ("json-two-values", b'{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}} {}', "body", "after the JSON value"),
    ("json-deep-nesting", b'{"actor": {"mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}, "result": {"extensions": {"urn:x:e": ' + b"[" * 10000 + b"]" * 10000 + b"}}}", "body", "nesting deeper than"),
    ("json-bad-escape", b'{"actor": {"name": "\\q", "mbox": "mailto:a@b.c"}, "verb": {"id": "urn:x:v"}, "object": {"id": "urn:x:o"}}', "body", "invalid escape"),
    ("json-empty", b"", "body", "unexpected end of input"),
    ("root-string", b'"statement"', "statement", "must be an object"),
    ("root-null", b"null", "statement", "must not be null"),
]


def write():
    for sub in ("valid", "invalid"):
        path = os.path.join(HERE, sub)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
    for name, statement in valid.items():
        with open(os.path.join(HERE, "valid", name + ".json"), "w", encoding="utf-8") as f:
            json.dump(statement, f, indent=2, ensure_ascii=False)
            f.write("\n")
    expectations = {}
    for name, (statement, path, message, versions) in invalid.items():
        with open(os.path.join(HERE, "invalid", name + ".json"), "w", encoding="utf-8") as f:
            json.dump(statement, f, indent=2, ensure_ascii=False)
            f.write("\n")
        expectations[name] = {"path": path, "message": message, "versions": versions}
    for name, data, path, message in raw_invalid:
        with open(os.path.join(HERE, "invalid", name + ".json"), "wb") as f:
            f.write(data)
        expectations[name] = {"path": path, "message": message, "versions": BOTH}
    with open(os.path.join(HERE, "invalid", "expectations.json"), "w", encoding="utf-8") as f:
        json.dump(expectations, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(valid)} valid, {len(expectations)} invalid")


if __name__ == "__main__":
    write()
