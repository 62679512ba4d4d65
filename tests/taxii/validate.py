#!/usr/bin/python3
"""validate.py BUNDLE SCHEMA_DIR: check a STIX 2.1 bundle against the schemas
in tests/fixtures/stix-schema and the spec's rules no schema states. Prints
one line per problem; exit 0 when the bundle is valid."""
import json, os, sys, uuid
import jsonschema

bundle = json.load(open(sys.argv[1]))
sdir = sys.argv[2]
store = {}
for f in os.listdir(sdir):
    if f.endswith(".json"):
        s = json.load(open(os.path.join(sdir, f)))
        store[s["$id"]] = s
resolver = jsonschema.RefResolver(base_uri="", referrer=store["bundle.json"], store=store)
problems = []
def check(obj, name):
    v = jsonschema.Draft7Validator(store[name], resolver=resolver)
    for e in v.iter_errors(obj):
        problems.append("%s %s: %s" % (obj.get("id"), list(e.path), e.message))
check(bundle, "bundle.json")
ids = {o["id"] for o in bundle["objects"]}
SCO_NS = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
for o in bundle["objects"]:
    name = o["type"] + ".json"
    if name not in store:
        problems.append("%s: no schema for type %s" % (o["id"], o["type"])); continue
    check(o, name)
    if not o["id"].startswith(o["type"] + "--"):
        problems.append("%s: id does not start with its type" % o["id"])
    if "modified" in o and o["modified"] < o["created"]:
        problems.append("%s: modified before created" % o["id"])
    for k in ("created_by_ref",):
        if k in o and o[k] not in ids: problems.append("%s: %s does not resolve" % (o["id"], k))
    for k in ("object_refs", "object_marking_refs"):
        for r in o.get(k, []):
            if r not in ids: problems.append("%s: %s %s does not resolve" % (o["id"], k, r))
    if o["type"] in ("ipv4-addr", "ipv6-addr", "domain-name", "url"):
        want = uuid.uuid5(SCO_NS, json.dumps({"value": o["value"]}, separators=(",", ":"), ensure_ascii=False))
        if o["id"] != "%s--%s" % (o["type"], want):
            problems.append("%s: not the UUIDv5 of its value" % o["id"])
if len(ids) != len(bundle["objects"]):
    problems.append("an id appears twice in the bundle")
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
