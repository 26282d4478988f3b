#!/usr/bin/env python3
"""Gives schemathesis real rows to hit.

Usage: prepare.py BASE_URL ADMIN_USER ADMIN_PASSWORD OUT_DIR

Against a renke filled by `renke demo`, creates what the destructive and
draft-only operations need (a draft round to edit, one to open, one to delete,
an open round to close, a spare school and spare accounts, sessions to log out
and to change the password of, a reviewer), then writes into OUT_DIR:

- spec.json: the live spec with, per operation, examples taken from the live
  data (path ids, query values, and request bodies: the current object for
  PUT/PATCH, a valid new one for POST) and OpenAPI links (POST /schools →
  school operations, POST /rounds → round operations, link listings → link
  operations) for the stateful phase;
- params-<role>.toml: schemathesis configuration fixing every path id of every
  operation to a row that exists, so generated requests reach the handlers;
- tokens.env: the bearer tokens of the admin and reviewer runs.
"""
import json
import sys
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone

base, admin_user, admin_password, out = sys.argv[1:5]
api = base + "/api"


def call(method, path, body=None, token=None, raw=None):
    data = None
    headers = {}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if raw is not None:
        data = raw
        headers["Content-Type"] = "application/octet-stream"
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(api + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req) as resp:
            text = resp.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"prepare: {method} {path} → {e.code}: {e.read()[:500]!r}")
    try:
        return json.loads(text)
    except ValueError:
        return text


def login(user, password):
    return call("POST", "/auth/login", {"username": user, "password": password})["token"]


admin = login(admin_user, admin_password)


def account(name, role):
    created = call("POST", "/accounts", {"username": name, "role": role}, admin)
    return created["account"]["id"], created["password"]


reviewer_id, reviewer_pw = account("fuzz-reviewer", "reviewer")
reviewer = login("fuzz-reviewer", reviewer_pw)
# Targets of the operations that change an account or a session: none of them
# may touch the accounts the runs authenticate with.
spare_id, _ = account("fuzz-spare", "organiser")
_, logout_pw = account("fuzz-logout", "organiser")
logout_token = login("fuzz-logout", logout_pw)
_, pw_pw = account("fuzz-password", "organiser")
pw_token = login("fuzz-password", pw_pw)
_, login_pw = account("fuzz-login", "reviewer")

rounds = call("GET", "/rounds", token=admin)
demo_round = next(r for r in rounds if r["status"] == "open")["id"]
schools = call("GET", "/schools", token=admin)
# An assessment run from above (#18): a province above the demo county
# (node 1), and one assessment over it, for the reads; create_assessment's
# example makes another. The demo county stays the only county, so every
# county operation still acts on it without a county_id. Made before the
# spare school, which must stay in no round (delete_school).
province = call("POST", "/regions", {"code": "640000", "name": "模糊测试自治区", "level": "province"}, admin)
node1 = next(r for r in call("GET", "/regions", token=admin) if r["id"] == 1)
node1_body = {"code": node1.get("code") or "652325", "name": node1["name"], "level": "county",
              "parent_id": province["id"]}
call("PUT", "/regions/1", node1_body, admin)
moment = datetime.now(timezone.utc)
assessment_body = {"name": "模糊测试·上级评估", "purpose": "provincial",
                   "opens_at": (moment - timedelta(days=1)).isoformat(timespec="seconds"),
                   "closes_at": (moment + timedelta(days=300)).isoformat(timespec="seconds"),
                   "groups": ["deputy"], "county_ids": [1], "region_id": province["id"]}
assessment = call("POST", "/assessments", assessment_body, admin)

spare_school = call(
    "POST",
    "/schools",
    {"code": "2165999901", "name": "待删除小学", "kind": "primary", "location": "rural",
     "primary_students": 100},
    admin,
)["id"]


now = datetime.now(timezone.utc)
opens_at = (now - timedelta(days=1)).isoformat(timespec="seconds")
closes_at = (now + timedelta(days=300)).isoformat(timespec="seconds")


def new_round(name):
    body = {
        "name": name,
        "purpose": "self_assessment",
        "opens_at": opens_at,
        "closes_at": closes_at,
        "groups": ["parent", "teacher", "deputy"],
        "school_ids": [schools[0]["id"], schools[1]["id"]],
    }
    return call("POST", "/rounds", body, admin)


edit_round = new_round("模糊测试·草稿（编辑）")
open_target = new_round("模糊测试·草稿（待开启）")["id"]
delete_target = new_round("模糊测试·草稿（待删除）")["id"]
close_target = new_round("模糊测试·待关闭")["id"]
call("POST", f"/rounds/{close_target}/open", token=admin)

links = call("GET", f"/rounds/{demo_round}/links", token=admin)["links"]
# One link answers submissions, another gets access codes (from then on it
# asks for one), a third is switched on and off.
submit_link = next(l for l in links if l["group"] == "parent")
code_link = next(l for l in links if l["group"] == "deputy")
toggle_link = next(l for l in links if l["group"] == "teacher" and l["id"] != submit_link["id"])
# A room session (机房答题) on a school's parent link: listed, reviewed,
# printed and closed by the fuzzer; another is opened on a second link.
room_link = next(l for l in links if l["group"] == "parent" and l["id"] != submit_link["id"])
room = call("POST", f"/rounds/{demo_round}/links/{room_link['id']}/room-sessions", {}, admin)
room_open_link = next(l for l in links if l["group"] == "teacher" and l["id"] != toggle_link["id"])

public = call("GET", f"/public/links/{submit_link['token']}")
answers = []
for item in public["items"]:
    if item.get("options"):
        answers.append({"item": item["id"], "option": item["options"][0]["code"]})
    elif item.get("required", True):
        answers.append({"item": item["id"], "text": "好"})
# An interviewer (访谈员) of the demo round for the answering link: given
# links by the fuzzer, and an upload of one interview (source interview).
interviewer = call("POST", f"/rounds/{demo_round}/interviewers",
                   {"username": "fuzz-interviewer", "link_ids": [submit_link["id"]]}, admin)
# A school liaison (学校联络员) of the room link's school: it opens a session
# on that school's teacher link (closed and printed by the liaison run) and
# one is left to be opened by the fuzzer; a spare liaison is unassigned.
room_school = room_link["school_id"]
liaison = call("POST", f"/rounds/{demo_round}/liaisons",
               {"username": "fuzz-liaison", "school_ids": [room_school]}, admin)
spare_liaison = call("POST", f"/rounds/{demo_round}/liaisons",
                     {"username": "fuzz-liaison-spare", "school_ids": [room_school]}, admin)
# The admin run reassigns this one with generated school lists (not the
# liaison whose token the liaison run uses).
reassigned_liaison = call("POST", f"/rounds/{demo_round}/liaisons",
                          {"username": "fuzz-liaison-reassigned", "school_ids": [room_school]}, admin)
liaison_token = login("fuzz-liaison", liaison["password"])
school_links = [l for l in links if l.get("school_id") == room_school and l["id"] != room_link["id"]]
liaison_room = call("POST", f"/rounds/{demo_round}/liaison/links/{school_links[0]['id']}/room-sessions",
                    {}, liaison_token)
liaison_open_link = school_links[1] if len(school_links) > 1 else room_link
edit_id = edit_round["id"]
questionnaire = call("GET", f"/rounds/{edit_id}/questionnaires/parent", token=admin)
update_round_body = {k: edit_round[k] for k in
                     ("name", "purpose", "opens_at", "closes_at", "groups", "school_ids",
                      "scoring_rule", "min_answer_seconds", "duplicate_policy")}
# A draft with a Uyghur column and a whole translation sheet for it (test
# data, not a real translation): the import's example is accepted.
lang_round = new_round("模糊测试·草稿（译文）")["id"]
call("PUT", f"/rounds/{lang_round}/languages", {"languages": ["ug"]}, admin)
sheet = ["键 key,中文原文 zh,ug"]


def cell(text):
    return '"' + text.replace('"', '""') + '"'


for g in ("deputy", "parent", "teacher"):
    q = call("GET", f"/rounds/{lang_round}/questionnaires/{g}", token=admin)
    rows = [(f"{g}/title", q["title"])]
    if q.get("intro", "").strip():
        rows.append((f"{g}/intro", q["intro"]))
    for item in q["items"]:
        rows.append((f"{g}/{item['id']}", item["text"]))
        for o in item.get("options") or []:
            rows.append((f"{g}/{item['id']}/{o['code']}", o["label"]))
    sheet += [f"{k},{cell(v)},{cell('ug:' + v)}" for k, v in rows]
translations_csv = "\n".join(sheet) + "\n"
# The respondent pages' fixed texts in Uyghur (test data): every key, every
# placeholder kept.
page_sheet = ["键 key,中文原文 zh,ug"]
for text in call("GET", "/page-texts", token=admin)["texts"]:
    page_sheet.append(f"{text['key']},{cell(text['zh'])},{cell('ئۇ ' + text['zh'])}")
page_texts_csv = "\n".join(page_sheet) + "\n"
# Readiness (资源配置): the demo county's 学年, a primary and a junior school.
year = "2025-2026"
primary = next(x for x in schools if x["kind"] == "primary")
junior = next(x for x in schools if x["kind"] == "junior" and x["id"] != primary["id"])
figures = {
    "primary": {"students": 100, "qualified_teachers": 5, "backbone_teachers": 1,
                "sports_arts_teachers": 1},
    "facilities": {"teaching_area": 450, "sports_area": 750, "equipment_value": 200000,
                   "multimedia_rooms": 3},
}
readiness_csv = ("学校标识码,小学在校生数,教学及辅助用房面积,体育运动场馆面积,教学仪器设备值,网络多媒体教室数\n"
                 f"{primary['code']},100,450,750,200000,3\n")
# The checklist: the demo's evidence file (read) and one to delete; a facts file.
demo_evidence = call("GET", f"/readiness/years/{year}/checklist", token=admin)
demo_evidence = next(e["id"] for i in demo_evidence["items"] for e in i["evidence"])
spare_evidence = call("POST", f"/readiness/years/{year}/checklist/g9/evidence?file_name=spare.pdf",
                      token=admin, raw=b"%PDF-1.4\n%%EOF\n")["id"]
facts_csv = ("学校标识码,小学班级数,小学最大班额,音乐专用教室数,音乐专用教室最小面积（平方米）\n"
             f"{primary['code']},10,40,1,96\n")
# Paper sheets: one mark per item of the parent link's questionnaire.
marks = "".join("1" if item.get("options") else "0" for item in public["items"])
csv = ("学校标识码,学校名称,学校类型,所在地,小学在校生数,初中在校生数,教师数\n"
       "2165999902,模糊测试小学,小学,乡村,120,0,12\n")

# Per operation: fixed path ids (and query values) and the example body.
ops = {
    "login": {"body": {"username": "fuzz-login", "password": login_pw}},
    "logout": {"headers": {"Authorization": "Bearer " + logout_token}},
    "change_password": {
        "headers": {"Authorization": "Bearer " + pw_token},
        "body": {"current_password": pw_pw, "new_password": "Fuzz-新密码-2026"},
    },
    "create_account": {"body": {"username": "fuzz-created", "display_name": "模糊", "role": "reviewer"}},
    "update_account": {"path": {"id": spare_id}, "body": {"display_name": "备用账号", "role": "organiser"}},
    "reset_password": {"path": {"id": spare_id}},
    "put_county": {"body": call("GET", "/county", token=admin)},
    "create_school": {"body": {"code": "2165999903", "name": "模糊测试中学", "kind": "junior",
                               "location": "town", "junior_students": 300, "teachers": 30}},
    "get_school": {"path": {"id": schools[0]["id"]}},
    "update_school": {"path": {"id": schools[0]["id"]},
                      "body": {k: v for k, v in schools[0].items() if k != "id"}},
    "delete_school": {"path": {"id": spare_school}},
    "import_schools": {"raw": csv},
    "get_template": {"path": {"group": "parent"}},
    "create_round": {"body": {"name": "模糊测试·新轮次", "purpose": "prefecture_review",
                              "opens_at": opens_at, "closes_at": closes_at,
                              "groups": ["student", "citizen"],
                              # Not every school: the spare one must stay deletable.
                              "school_ids": [schools[0]["id"]]}},
    "get_round": {"path": {"id": demo_round}},
    "update_round": {"path": {"id": edit_id}, "body": update_round_body},
    "delete_round": {"path": {"id": delete_target}},
    "open_round": {"path": {"id": open_target}},
    "close_round": {"path": {"id": close_target}},
    "get_questionnaire": {"path": {"id": demo_round, "group": "parent"}},
    "put_questionnaire": {"path": {"id": edit_id, "group": "parent"}, "body": questionnaire},
    "list_links": {"path": {"id": demo_round}},
    "update_link": {"path": {"id": demo_round, "link_id": toggle_link["id"]}, "body": {"enabled": True}},
    "get_link_qr_png": {"path": {"id": demo_round, "link_id": toggle_link["id"]}, "query": {"size": 300}},
    "get_link_qr_svg": {"path": {"id": demo_round, "link_id": toggle_link["id"]}},
    "get_round_qr_zip": {"path": {"id": demo_round}, "query": {"size": 200}},
    "get_round_posters": {"path": {"id": demo_round}},
    "get_access_code_counts": {"path": {"id": demo_round, "link_id": code_link["id"]}},
    "generate_access_codes": {"path": {"id": demo_round, "link_id": code_link["id"]}, "body": {"count": 3}},
    "print_access_code_slips": {"path": {"id": demo_round, "link_id": code_link["id"]}, "query": {"count": 2}},
    "get_report": {"path": {"id": demo_round}},
    "get_sampling": {"path": {"id": demo_round}},
    "put_quotas": {"path": {"id": demo_round},
                   "body": {"quotas": [{"group": "parent", "school_id": schools[0]["id"], "quota": 40}]}},
    "get_integrity": {"path": {"id": demo_round}, "query": {"burst_min_count": 10, "burst_window_minutes": 10}},
    "compare_rounds": {"query": {"round_ids": [demo_round, close_target]}},
    "check_tallies": {"path": {"id": demo_round}},
    "rebuild_tallies": {"path": {"id": demo_round}},
    "get_timeline": {"path": {"id": demo_round}, "query": {"bucket_minutes": 60}},
    "export_report_xlsx": {"path": {"id": demo_round}},
    "export_report_csv": {"path": {"id": demo_round}},
    "export_responses_csv": {"path": {"id": demo_round}, "query": {"group": "parent"}},
    "export_responses_xlsx": {"path": {"id": demo_round}},
    "get_public_questionnaire": {"path": {"token": submit_link["token"]}},
    "submit_response": {"path": {"token": submit_link["token"]},
                        "body": {"client_id": str(uuid.uuid4()), "duration_ms": 95000, "answers": answers}},
    "list_audit": {"query": {"limit": 20}},
    "get_round_languages": {"path": {"id": lang_round}},
    "put_round_languages": {"path": {"id": edit_id}, "body": {"languages": ["ug", "kk-Arab"]}},
    "export_translations": {"path": {"id": lang_round}},
    "import_translations": {"path": {"id": lang_round}, "raw": translations_csv},
    "export_page_texts": {"query": {"languages": "ug,kk-Arab"}},
    "import_page_texts": {"raw": page_texts_csv},
    "get_readiness_settings": {},
    "put_readiness_settings": {"body": call("GET", "/readiness/settings", token=admin)},
    "list_readiness_entries": {"path": {"year": year}},
    "put_readiness_entry": {"path": {"year": year, "school_id": primary["id"]}, "body": figures},
    "delete_readiness_entry": {"path": {"year": year, "school_id": junior["id"]}},
    "import_readiness_entries": {"path": {"year": "2024-2025"}, "raw": readiness_csv},
    "get_readiness_evaluation": {"path": {"year": year}},
    "readiness_what_if": {"path": {"year": year},
                          "body": {"school_id": primary["id"], "figures": figures}},
    "export_readiness_xlsx": {"path": {"year": year}},
    "get_readiness_checklist": {"path": {"year": year}},
    "put_readiness_check": {"path": {"year": year, "item": "g7"},
                            "body": {"value1": 6500, "note": "模糊测试"}},
    "upload_readiness_evidence": {"path": {"year": year, "item": "g7"},
                                  "query": {"file_name": "决算.pdf"}, "raw": "%PDF-1.4\n%%EOF\n"},
    "get_readiness_evidence": {"path": {"evidence_id": demo_evidence}},
    "delete_readiness_evidence": {"path": {"evidence_id": spare_evidence}},
    "list_readiness_facts": {"path": {"year": year}},
    "put_readiness_facts": {"path": {"year": year, "school_id": primary["id"]},
                            "body": {"primary_classes": 10, "largest_primary_class": 40}},
    "import_readiness_facts": {"path": {"year": year}, "raw": facts_csv},
    "put_readiness_survey_round": {"path": {"year": year}, "body": {"round_id": demo_round}},
    "get_readiness_overview": {"path": {"year": year}},
    "get_readiness_summary_page": {"path": {"year": year}},
    "readiness_facts_template": {},
    "get_paper_entry": {"path": {"id": demo_round}},
    "configure_paper": {"path": {"id": demo_round}, "body": {"double_entry": False, "clerk_ids": []}},
    "enter_paper_sheet": {"path": {"id": demo_round},
                          "body": {"client_id": str(uuid.uuid4()), "link_id": submit_link["id"],
                                   "serial": "FZ-0001", "marks": marks}},
    "list_paper_sheets": {"path": {"id": demo_round}},
    "print_paper_sheets": {"path": {"id": demo_round, "link_id": submit_link["id"]},
                           "query": {"count": 2}},
    "create_region": {"body": {"code": "710000", "name": "模糊测试省", "level": "province"}},
    # Node 1 stays beneath the province, for create_assessment.
    "update_region": {"path": {"id": 1}, "body": node1_body},
    "list_assessments": {},
    "create_assessment": {"body": assessment_body},
    "get_assessment": {"path": {"id": assessment["id"]}},
    "compare_assessment": {"path": {"id": assessment["id"]}},
    "export_assessment_xlsx": {"path": {"id": assessment["id"]}},
    "import_regions": {"raw": "720000,模糊导入省,\n"},
    "compare_counties": {"path": {"id": 1}},
    "open_room_session": {"path": {"id": demo_round, "link_id": room_open_link["id"]},
                          "body": {"minutes": 45, "grace_minutes": 10}},
    "list_room_sessions": {"path": {"id": demo_round}},
    "list_interviewers": {"path": {"id": demo_round}},
    "create_interviewer": {"path": {"id": demo_round},
                           "body": {"username": "fuzz-interviewer-2", "link_ids": [submit_link["id"]]}},
    "assign_interviewer": {"path": {"id": demo_round, "account_id": interviewer["interviewer"]["id"]},
                           "body": {"link_ids": [submit_link["id"]]}},
    "get_my_interviews": {},
    "upload_interviews": {"path": {"id": demo_round},
                          "body": {"interviews": [{"client_id": str(uuid.uuid4()),
                                                   "link_id": submit_link["id"],
                                                   "answers": answers, "duration_ms": 300000}]}},
    "list_liaisons": {"path": {"id": demo_round}},
    "create_liaison": {"path": {"id": demo_round},
                       "body": {"username": "fuzz-liaison-2", "school_ids": [room_school]}},
    "assign_liaison": {"path": {"id": demo_round, "account_id": reassigned_liaison["liaison"]["id"]},
                       "body": {"school_ids": [room_school]}},
    "unassign_liaison": {"path": {"id": demo_round, "account_id": spare_liaison["liaison"]["id"]}},
    "get_my_rooms": {},
    "liaison_open_room_session": {"path": {"id": demo_round, "link_id": liaison_open_link["id"]},
                                  "body": {"minutes": 45}},
    "liaison_close_room_session": {"path": {"id": demo_round, "session_id": liaison_room["id"]}},
    "liaison_room_session_sheet": {"path": {"id": demo_round, "session_id": liaison_room["id"]}},
    "close_room_session": {"path": {"id": demo_round, "session_id": room["id"]}},
    "list_room_session_responses": {"path": {"id": demo_round, "session_id": room["id"]}},
    "get_room_session_sheet": {"path": {"id": demo_round, "session_id": room["id"]}},
}

spec = call("GET", "/openapi.json")
by_id = {}
for path, methods in spec["paths"].items():
    for method, op in methods.items():
        by_id[op["operationId"]] = (path, method, op)
unknown = set(ops) - set(by_id)
if unknown:
    sys.exit(f"prepare: operations no longer in the spec: {sorted(unknown)}")

for op_id, (path, method, op) in by_id.items():
    conf = ops.get(op_id, {})
    for param in op.get("parameters", []):
        value = conf.get(param["in"], {}).get(param["name"])
        if value is not None:
            param["example"] = value
    if "body" in conf or "raw" in conf:
        for media, content in op["requestBody"]["content"].items():
            content["example"] = conf["raw"] if "raw" in conf else conf["body"]


def link(op_id, parameters, description):
    return {"operationId": op_id, "parameters": parameters, "description": description}


school_id = {"id": "$response.body#/id"}
round_id = {"id": "$response.body#/id"}
link_params = {"id": "$request.path.id", "link_id": "$response.body#/links/0/id"}
links_out = {
    "create_school": {op: link(op, school_id, "The school just created.")
                      for op in ("get_school", "update_school", "delete_school")},
    "create_round": {op: link(op, round_id, "The round just created (a draft).")
                     for op in ("get_round", "update_round", "put_questionnaire", "list_links",
                                "open_round", "close_round", "delete_round", "get_report",
                                "get_sampling", "put_quotas")},
    # A draft has no links yet: they are made when it opens.
    "open_round": {op: link(op, {"id": "$request.path.id"}, "The round just opened.")
                   for op in ("list_links", "get_report", "get_sampling", "get_timeline",
                              "close_round")},
    "list_links": {op: link(op, link_params, "The round's first link.")
                   for op in ("update_link", "get_link_qr_png", "get_link_qr_svg",
                              "get_access_code_counts", "generate_access_codes",
                              "print_access_code_slips")},
}
for op_id, op_links in links_out.items():
    _, _, op = by_id[op_id]
    ok = "201" if "201" in op["responses"] else "200"
    op["responses"][ok]["links"] = op_links

with open(f"{out}/spec.json", "w") as f:
    json.dump(spec, f, ensure_ascii=False)


def toml_value(v):
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


# Path ids fixed per operation in the examples, coverage and fuzzing phases:
# only the bodies and query strings are generated, so the handlers' real work
# runs.
for role in ("admin", "reviewer", "anonymous", "liaison"):
    lines = ["[generation]", "database = \"none\"", ""]
    for op_id, conf in ops.items():
        params = conf.get("path", {})
        headers = conf.get("headers") if role == "admin" else None
        if not params and not headers:
            continue
        lines.append("[[operations]]")
        lines.append(f"include-operation-id = \"{op_id}\"")
        if params:
            lines.append("parameters = { " + ", ".join(
                f"\"path.{k}\" = {toml_value(v)}" for k, v in params.items()) + " }")
        if headers:
            lines.append("headers = { " + ", ".join(
                f"{json.dumps(k)} = {toml_value(v)}" for k, v in headers.items()) + " }")
        lines.append("")
    with open(f"{out}/{role}.toml", "w") as f:
        f.write("\n".join(lines))

# The stateful phase runs apart, without fixed ids: there each id comes from
# the response a link points at (a school or round just created, a link just
# listed). Only the declared links are followed.
# Valid 10-digit school codes and round windows come from dictionaries, so
# that creations succeed often enough for the chains to go on.
codes = ", ".join(f'"21659{n:05d}"' for n in range(100, 160))
with open(f"{out}/stateful.toml", "w") as f:
    f.write(f"""[generation]
database = "none"

[phases.stateful]
max-steps = 8

[phases.stateful.generation]
mode = "positive"
max-examples = 40

[phases.stateful.inference]
algorithms = []

[dictionaries]
school_codes = {{ values = [{codes}] }}
opens_at = {{ values = ["{opens_at}"] }}
closes_at = {{ values = ["{closes_at}"] }}

[[operations]]
include-operation-id = "create_school"
parameters = {{ "body.code" = {{ dictionary = "school_codes", probability = 0.9 }} }}

[[operations]]
include-operation-id = "create_round"
parameters = {{ "body.opens_at" = {{ dictionary = "opens_at", probability = 0.9 }}, "body.closes_at" = {{ dictionary = "closes_at", probability = 0.9 }} }}
""")

with open(f"{out}/tokens.env", "w") as f:
    f.write(f"admin_token={admin}\nreviewer_token={reviewer}\nliaison_token={liaison_token}\n")
