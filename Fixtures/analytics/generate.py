#!/usr/bin/env python3
"""Writes the sample organisation: catalog.json, roster.csv and statements.json.

Northwind Logistics: five teams, 120 people, five programs (upskilling and reskilling,
mandatory and voluntary). Learners enrol, some finish, course quizzes are retaken months later,
managers record observed behaviour on the job, and some people leave. Deterministic: the same
files on every run (`python3 Fixtures/analytics/generate.py`).
"""
import json
import pathlib
import random
import uuid
from datetime import date, datetime, timedelta, timezone

HERE = pathlib.Path(__file__).parent
rng = random.Random(20241)
ADL = "http://adlnet.gov/expapi/verbs/"
SKILL = "https://skills.northwind.example/"
COURSE = "https://learn.northwind.example/courses/"
PROGRAM = "https://learn.northwind.example/programs/"
OBSERVED = "https://northwind.example/xapi/verbs/demonstrated"

skills = {
    "forklift-safety": "Forklift safety", "gdpr": "Data protection (GDPR)", "sql": "SQL",
    "data-visualisation": "Data visualisation", "negotiation": "Negotiation", "coaching": "Coaching",
}
programs = [
    ("forklift", "Forklift certification", "upskilling", "mandatory", ["forklift-theory", "forklift-practical"], ["forklift-safety"], {"Warehouse"}),
    ("gdpr", "GDPR essentials", "upskilling", "mandatory", ["gdpr-essentials"], ["gdpr"], None),
    ("data-analyst", "Data analyst pathway", "reskilling", "voluntary", ["sql-basics", "dashboards", "analytics-capstone"], ["sql", "data-visualisation"], None),
    ("negotiation", "Negotiation masterclass", "upskilling", "voluntary", ["negotiation-workshop"], ["negotiation"], {"Sales"}),
    ("team-lead", "New team leads", "reskilling", "voluntary", ["coaching-101", "feedback-lab"], ["coaching"], None),
]
assessed = {"forklift-theory": "forklift-safety", "gdpr-essentials": "gdpr", "sql-basics": "sql", "dashboards": "data-visualisation",
            "negotiation-workshop": "negotiation", "coaching-101": "coaching"}

# Mandatory programs' deadlines: everyone by a date, and people who join later within days of joining.
due = {"forklift": {"daysAfterHire": 60, "date": "2024-06-30"}, "gdpr": {"daysAfterHire": 30, "date": "2024-09-30"}}

catalog = {
    "skills": [{"id": SKILL + key, "name": name, "activities": [COURSE + a + "/quiz" for a, s in assessed.items() if s == key]}
               for key, name in skills.items()],
    "skillCategoryPrefixes": [SKILL],
    "programs": [{"id": PROGRAM + key, "name": name, "kind": kind, "mode": mode, "activities": [COURSE + a for a in activities],
                  "skills": [SKILL + s for s in program_skills], **({"due": due[key]} if key in due else {}),
                  **({"mandatoryFor": sorted(audience)} if mode == "mandatory" and audience else {})}
                 for key, name, kind, mode, activities, program_skills, audience in programs],
    "behaviorVerbs": [OBSERVED],
    "masteryScore": 0.8,
    "levels": [{"name": "foundation", "min": 0}, {"name": "practitioner", "min": 0.6}, {"name": "expert", "min": 0.85}],
}

teams = {"Warehouse": 40, "Sales": 30, "Finance": 20, "Customer care": 20, "Engineering": 10}
people = []
for team, size in teams.items():
    for n in range(size):
        handle = f"{team.split()[0].lower()}{n + 1:02d}"
        hired = date(2019, 1, 1) + timedelta(days=rng.randrange(0, 5 * 365))
        people.append({"mbox": f"mailto:{handle}@northwind.example", "name": f"{team} {n + 1}", "team": team, "hired": hired, "left": None})

START, END = datetime(2024, 1, 8, tzinfo=timezone.utc), datetime(2024, 12, 20, tzinfo=timezone.utc)
statements = []


def at(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def emit(person, verb, activity, moment, score=None, success=None, program=None, category=None, display=None):
    statement = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "actor": {"objectType": "Agent", "name": person["name"], "mbox": person["mbox"]},
        "verb": {"id": verb, "display": {"en-US": display or verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
        "timestamp": at(moment),
    }
    result = {}
    if score is not None:
        result["score"] = {"scaled": round(score, 2)}
    if success is not None:
        result["success"] = success
    if result:
        statement["result"] = result
    context = {}
    if program:
        context["parent"] = [{"id": PROGRAM + program}]
    if category:
        context["category"] = [{"id": SKILL + category}]
    if context:
        statement["context"] = {"contextActivities": context}
    statements.append(statement)


def clamp(value):
    return max(0.0, min(1.0, value))


completed_at = {}
for key, name, kind, mode, activities, program_skills, only_teams in programs:
    eligible = [p for p in people if only_teams is None or p["team"] in only_teams]
    share = 0.95 if mode == "mandatory" else 0.35
    for person in eligible:
        if rng.random() > share:
            continue
        moment = START + timedelta(days=rng.randrange(0, 200), hours=rng.randrange(8, 17))
        finishes = rng.random() < (0.85 if mode == "mandatory" else 0.6)
        done = 0
        for index, activity in enumerate(activities):
            emit(person, ADL + "launched", COURSE + activity, moment, program=key)
            moment += timedelta(days=rng.randrange(1, 10), minutes=rng.randrange(0, 600))
            if activity in assessed:
                skill = assessed[activity]
                score = clamp(rng.gauss(0.78, 0.12))
                verb = ADL + ("passed" if score >= 0.6 else "failed")
                emit(person, verb, COURSE + activity + "/quiz", moment, score=score, success=score >= 0.6, program=key, category=skill)
                if score < 0.6 and rng.random() < 0.7:
                    moment += timedelta(days=rng.randrange(2, 12))
                    score = clamp(score + rng.uniform(0.1, 0.3))
                    emit(person, ADL + ("passed" if score >= 0.6 else "failed"), COURSE + activity + "/quiz", moment, score=score,
                         success=score >= 0.6, program=key, category=skill)
                # A refresher quiz months later shows what was retained.
                if rng.random() < 0.6:
                    later = moment + timedelta(days=rng.randrange(60, 150))
                    if later < END:
                        emit(person, ADL + "scored", COURSE + activity + "/quiz", later,
                             score=clamp(score - rng.uniform(-0.05, 0.2)), program=key, category=skill)
            if index == len(activities) - 1 and not finishes:
                break
            emit(person, ADL + "completed", COURSE + activity, moment, program=key)
            done += 1
        if done == len(activities):
            completed_at[person["mbox"]] = min(moment, completed_at.get(person["mbox"], moment))
            # Managers record whether the skill shows on the job.
            if rng.random() < 0.65:
                for skill in program_skills:
                    when = moment + timedelta(days=rng.randrange(5, 120))
                    if when < END:
                        emit(person, OBSERVED, SKILL + skill, when, success=rng.random() < 0.8, display="demonstrated")

# Leavers from June on: fewer among people who had completed a program by the end of May.
for person in people:
    trained = completed_at.get(person["mbox"], END) <= datetime(2024, 5, 31, 23, 59, tzinfo=timezone.utc)
    chance = 0.06 if trained else 0.2
    if rng.random() < chance:
        person["left"] = date(2024, 6, 1) + timedelta(days=rng.randrange(0, 200))

statements.sort(key=lambda s: s["timestamp"])
(HERE / "catalog.json").write_text(json.dumps(catalog, indent=2) + "\n")
with open(HERE / "roster.csv", "w", newline="") as roster:
    roster.write("mbox,name,team,hired,left\r\n")
    for person in people:
        roster.write(f'{person["mbox"]},{person["name"]},{person["team"]},{person["hired"]},{person["left"] or ""}\r\n')
(HERE / "statements.json").write_text(json.dumps(statements, separators=(",", ":")) + "\n")
print(f"{len(people)} people, {len(statements)} statements, {len(catalog['programs'])} programs")
