#!/usr/bin/env python3
"""Counts what the schemathesis runs reached, per operation and role.

Usage: count.py SPEC_JSON DIR   (DIR holds <role>.har and <role>.xml per run)

Prints per operation the generated requests and how many got a 2xx, as
admin / reviewer / anonymous and in the admin's stateful run (ids from links),
then the totals. Fails when
- an operation never got a 2xx as admin (except those listed in
  ADMIN_NO_2XX with the reason);
- a read-only operation never got a 2xx as reviewer (except REVIEWER_NO_2XX),
  or a write got a 2xx, or never a 403, as reviewer;
- an operation that needs a login got a 2xx, or never a 401, as anonymous;
- any request got a 5xx.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

# Operations that cannot answer 2xx in these runs, by name, with the reason.
ADMIN_NO_2XX = {
    "resolve_paper_sheet": "needs a sheet two clerks keyed differently (tests/api/paper.rs)",
}
# Read-only operations a reviewer may not use.
REVIEWER_NO_2XX = {
    "list_accounts": "accounts are for admins",
    "list_audit": "the audit log is for admins",
    "get_paper_entry": "keying is for clerks and organisers",
    "list_paper_sheets": "the sheets' list is for organisers",
    "print_paper_sheets": "printing sheets is for organisers",
    "list_interviewers": "a round's interviewers are for organisers",
    "list_liaisons": "a round's liaisons are for organisers",
    "liaison_room_session_sheet": "a liaison's own sessions",
}
# The school liaison's own operations: 403 to every other role, admins
# included; reached with a 2xx in the liaison run instead.
LIAISON_ONLY = {"liaison_open_room_session", "liaison_close_room_session",
                "liaison_room_session_sheet"}
# Writes a reviewer may use: everybody's own session and the respondents' API.
REVIEWER_WRITES = {"login", "logout", "change_password", "submit_response", "readiness_what_if"}
ROLES = ("admin", "reviewer", "anonymous", "stateful", "liaison")
# Targets the admin run deletes: afterwards a reviewer gets 404 (a missing
# id answers 404 before the role is checked), so 403 may never come.
DELETED_BY_ADMIN = {"delete_round", "delete_school"}

spec_path, run_dir = sys.argv[1:3]
spec = json.load(open(spec_path))
ops = []  # (regex, method, operation id, needs login)
for path, methods in spec["paths"].items():
    pattern = "^/api" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"
    for method, op in methods.items():
        ops.append((re.compile(pattern), method.upper(), op["operationId"],
                    bool(op.get("security")), path.count("{")))
# A literal segment wins over a parameter (/schools/import over /schools/{id}).
ops.sort(key=lambda o: o[4])


def operation(method, url):
    path = urlsplit(url).path
    for regex, m, op_id, _, _ in ops:
        if m == method and regex.match(path):
            return op_id
    return None


counts = {role: {} for role in ROLES}  # role → op → [requests, 2xx, 5xx, 401, 403]
unmatched = 0
for role in ROLES:
    try:
        har = json.load(open(f"{run_dir}/{role}.har"))
    except FileNotFoundError:
        continue
    for entry in har["log"]["entries"]:
        op_id = operation(entry["request"]["method"], entry["request"]["url"])
        if op_id is None:
            unmatched += 1
            continue
        status = entry["response"]["status"]
        c = counts[role].setdefault(op_id, [0, 0, 0, 0, 0])
        c[0] += 1
        c[1] += 200 <= status < 300
        c[2] += status >= 500
        c[3] += status == 401
        c[4] += status == 403

violations = 0
for role in ROLES:
    try:
        tree = ET.parse(f"{run_dir}/{role}.xml")
    except (FileNotFoundError, ET.ParseError):
        continue
    violations += len(tree.findall(".//failure")) + len(tree.findall(".//error"))

problems = []
print(f"{'operation':32} {'admin 2xx/req':>14} {'reviewer':>12} {'anonymous':>12} {'stateful':>10}")
for _, method, op_id, needs_login, _ in sorted(ops, key=lambda o: o[2]):
    cells = []
    for role in ROLES:
        req, ok = counts[role].get(op_id, [0, 0])[:2]
        cells.append(f"{ok}/{req}")
    print(f"{op_id:32} {cells[0]:>14} {cells[1]:>12} {cells[2]:>12} {cells[3]:>10}")
    admin_ok = counts["admin"].get(op_id, [0, 0, 0])[1]
    if op_id in LIAISON_ONLY:
        if counts["liaison"].get(op_id, [0, 0])[1] == 0:
            problems.append(f"{op_id}: no 2xx as liaison")
        if admin_ok:
            problems.append(f"{op_id}: {admin_ok} 2xx as admin, which may not use it")
    elif admin_ok == 0 and op_id not in ADMIN_NO_2XX:
        problems.append(f"{op_id}: no 2xx as admin")
    rev_req, rev_ok, _, _, rev_403 = counts["reviewer"].get(op_id, [0] * 5)
    if method == "GET" and op_id not in REVIEWER_NO_2XX and rev_ok == 0:
        problems.append(f"{op_id}: no 2xx as reviewer ({rev_req} requests)")
    if method != "GET" and op_id not in REVIEWER_WRITES or op_id in REVIEWER_NO_2XX:
        if rev_ok:
            problems.append(f"{op_id}: {rev_ok} 2xx as reviewer, which may not use it")
        if rev_req and not rev_403 and op_id not in DELETED_BY_ADMIN:
            problems.append(f"{op_id}: never 403 as reviewer ({rev_req} requests)")
    _, anon_ok, _, anon_401, _ = counts["anonymous"].get(op_id, [0] * 5)
    if needs_login and anon_ok:
        problems.append(f"{op_id}: 2xx without a login")
    if needs_login and not anon_401:
        problems.append(f"{op_id}: never 401 without a login")

total = sum(c[0] for role in ROLES for c in counts[role].values())
errors = sum(c[2] for role in ROLES for c in counts[role].values())
reached = sum(1 for _, _, op_id, _, _ in ops
              if counts["liaison" if op_id in LIAISON_ONLY else "admin"].get(op_id, [0, 0])[1])
print(f"operations reached with 2xx (admin; the liaison's own as liaison): {reached}/{len(ops)}; "
      f"requests: {total}; 5xx: {errors}; spec violations (schemathesis failures): {violations}")
for op_id, reason in ADMIN_NO_2XX.items():
    print(f"  not expected to reach 2xx: {op_id} ({reason})")
if unmatched:
    print(f"  {unmatched} requests with methods the spec does not have (405 expected)")
if errors:
    problems.append(f"{errors} responses were 5xx")
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
