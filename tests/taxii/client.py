#!/usr/bin/python3
"""client.py URL: a TAXII 2.1 client (urllib only) for tests/e2e/test_taxii.sh.
Reads tokens and expectations from the environment; prints "ok NAME" or
"FAIL NAME: detail" per check."""
import base64, json, os, sys, urllib.error, urllib.request

URL = sys.argv[1]
TAXII = "application/taxii+json;version=2.1"
T = {k: os.environ["TOK_" + k] for k in ("ana", "helse", "bergen")}
UNMARKED = set(os.environ.get("UNMARKED", "").split())

def get(path, tok="ana", accept=TAXII, basic=False):
    req = urllib.request.Request(path if path.startswith("http") else URL + path)
    if accept: req.add_header("Accept", accept)
    if tok:
        if basic:
            req.add_header("Authorization", "Basic " + base64.b64encode(("x:" + T[tok]).encode()).decode())
        else:
            req.add_header("Authorization", "Bearer " + T[tok])
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), json.loads(r.read() or b"{}")
    except urllib.error.HTTPError as e:
        body = e.read()
        return e.code, dict(e.headers), json.loads(body) if body else {}

def check(name, cond, detail=""):
    print(("ok %s" % name) if cond else ("FAIL %s: %s" % (name, detail)))

def walk(cid, tok="ana", limit=2, extra=""):
    objs, nxt, pages, hdrs = [], None, 0, []
    while True:
        q = "?limit=%d%s" % (limit, extra) + ("&next=" + nxt if nxt else "")
        st, h, b = get("/taxii2/kcert/collections/%s/objects/%s" % (cid, q), tok)
        if st != 200: return None, pages, hdrs
        pages += 1; hdrs.append(h)
        page = b.get("objects", [])
        if len(page) > limit: return None, pages, hdrs
        objs += page
        if not b.get("more"): break
        nxt = b["next"]
        if pages > 500: return None, pages, hdrs
    return objs, pages, hdrs

st, h, d = get("/taxii2/")
check("discovery", st == 200 and h.get("Content-Type") == TAXII and d["api_roots"][0].endswith("/taxii2/kcert/"), (st, h.get("Content-Type"), d))
st, h, d = get(d["api_roots"][0])
check("api root", st == 200 and TAXII in d.get("versions", []), (st, d))
st, h, d = get("/taxii2/kcert/collections/")
cols = {(c["title"]): c for c in d.get("collections", [])}
check("collections for the CERT", set(cols) == {"partners TLP:GREEN", "partners TLP:AMBER", "nsm TLP:AMBER"} and all(c["can_read"] and not c["can_write"] for c in cols.values()), d)
green, amber, nsm = cols["partners TLP:GREEN"]["id"], cols["partners TLP:AMBER"]["id"], cols["nsm TLP:AMBER"]["id"]
st, h, d = get("/taxii2/kcert/collections/%s/" % green)
check("one collection", st == 200 and d["id"] == green and d["media_types"] == ["application/stix+json;version=2.1"], d)

# Walk every collection with a small page, following next to the end.
for cid, name in ((green, "green"), (amber, "amber"), (nsm, "nsm")):
    objs, pages, hdrs = walk(cid)
    st, h, man = get("/taxii2/kcert/collections/%s/manifest/" % cid)
    mids = [m["id"] for m in man.get("objects", [])]
    check("walk %s: pages of 2 to the end" % name, objs is not None and pages >= 2, pages)
    if objs is None: continue
    ids = [o["id"] for o in objs]
    check("walk %s: every object once, the manifest's" % name, len(ids) == len(set(ids)) and ids == mids, (len(ids), len(mids)))
    check("walk %s: X-TAXII-Date-Added headers" % name, all("X-TAXII-Date-Added-First" in x and "X-TAXII-Date-Added-Last" in x for x in hdrs))
    check("walk %s: date_added in order" % name, [m["date_added"] for m in man["objects"]] == sorted(m["date_added"] for m in man["objects"]))
    check("walk %s: nothing unmarked" % name, not any(o.get("value") in UNMARKED or any("'%s'" % u in o.get("pattern", "") for u in UNMARKED) for o in objs))
    if name == "green":
        green_objs, green_man = objs, man["objects"]

# added_after: only what was added later.
dates = sorted({m["date_added"] for m in green_man})
check("green has objects added at different times", len(dates) >= 2, dates)
after = dates[0]
objs, _, _ = walk(green, extra="&added_after=" + after)
want = [m["id"] for m in green_man if m["date_added"] > after]
check("added_after", objs is not None and [o["id"] for o in objs] == want and len(want) > 0, (len(objs or []), len(want)))

# match[type], match[id], versions, single object.
st, h, d = get("/taxii2/kcert/collections/%s/objects/?match[type]=indicator&limit=1000" % green)
check("match[type]", st == 200 and d["objects"] and all(o["type"] == "indicator" for o in d["objects"]))
one = d["objects"][0]
st, h, d = get("/taxii2/kcert/collections/%s/objects/%s/" % (green, one["id"]))
check("one object", st == 200 and [o["id"] for o in d["objects"]] == [one["id"]], d)
st, h, d = get("/taxii2/kcert/collections/%s/objects/%s/versions/" % (green, one["id"]))
check("versions", st == 200 and d.get("versions") == [one["modified"]], d)
st, h, d = get("/taxii2/kcert/collections/%s/objects/?match[id]=%s&match[version]=%s" % (green, one["id"], one["modified"]))
check("match[id] and match[version]", st == 200 and len(d["objects"]) == 1, d)
st, h, d = get("/taxii2/kcert/collections/%s/objects/?match[version]=2000-01-01T00:00:00.000Z" % green)
check("match[version] at another time", st == 200 and not d.get("objects"), d)

# The errors.
st, h, d = get("/taxii2/kcert/collections/", tok=None)
check("401 without a token", st == 401 and h.get("Content-Type") == TAXII and "WWW-Authenticate" in h, (st, h))
st, h, d = get("/taxii2/kcert/collections/", accept="application/json")
check("406 on a wrong Accept", st == 406, st)
st, h, d = get("/taxii2/kcert/collections/", accept="application/taxii+json;version=2.0")
check("406 on TAXII 2.0", st == 406, st)
st, h, d = get("/taxii2/kcert/collections/00000000-0000-5000-8000-000000000000/objects/")
check("404 for an unknown collection", st == 404 and d.get("http_status") == "404", (st, d))
st, h, d = get("/taxii2/kcert/collections/%s/objects/indicator--00000000-0000-5000-8000-000000000000/" % green)
check("404 for an unknown object", st == 404, st)
st, h, d = get("/taxii2/kcert/collections/%s/objects/?limit=0" % green)
check("400 for limit=0", st == 400, st)
st, h, d = get("/taxii2/kcert/collections/%s/objects/?next=bm9wZQ" % green)
check("400 for a forged next", st == 400, st)

# The partner: member of "partners" only.
st, h, d = get("/taxii2/kcert/collections/", tok="helse", basic=True)
pc = {c["title"]: c for c in d.get("collections", [])}
check("partner over Basic auth: can_read per community and TLP", st == 200 and pc["partners TLP:GREEN"]["can_read"] and pc["partners TLP:AMBER"]["can_read"] and not pc["nsm TLP:AMBER"]["can_read"], d)
st, h, d = get("/taxii2/kcert/collections/%s/objects/" % nsm, tok="helse")
check("403: the partner may not read nsm TLP:AMBER", st == 403 and not d.get("objects"), (st, d))
st, h, d = get("/taxii2/kcert/collections/%s/manifest/" % nsm, tok="helse")
check("403 on its manifest too", st == 403, st)
objs, _, _ = walk(amber, tok="helse", limit=50)
nsm_ids = {m["id"] for m in get("/taxii2/kcert/collections/%s/manifest/" % nsm)[2]["objects"]}
check("partner reads partners TLP:AMBER, never an nsm-only object", objs is not None and objs and not ({o["id"] for o in objs if o["type"] == "report"} & nsm_ids))

# The municipality user (Bergen): only objects about Bergen.
objs, _, _ = walk(green, tok="bergen", limit=50)
check("Bergen sees no Oslo object in partners TLP:GREEN", objs is not None and all(o["type"] in ("identity", "marking-definition") for o in objs), [o["type"] for o in objs or []])
objs, _, _ = walk(amber, tok="bergen", limit=50)
check("Bergen sees its own event in partners TLP:AMBER", objs is not None and any(o["type"] == "indicator" for o in objs))
