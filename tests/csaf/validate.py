#!/usr/bin/python3
# validate.py FILE... - validate CSAF 2.0 documents against the CSAF JSON schema
# (tests/fixtures/csaf/csaf_json_schema.json) with the Debian jsonschema module,
# Draft 2020-12 with format checking on. The schema refers to FIRST's CVSS schemas
# by URL; they are read from tests/csaf/node_modules/.schemas (install.sh).
# Prints every error with its JSON path; exit 1 when any document is invalid.
import json, os, sys
import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, '..', 'fixtures', 'csaf', 'csaf_json_schema.json')) as f:
    schema = json.load(f)
store = {}
for v in ('2.0', '3.0', '3.1'):
    with open(os.path.join(here, 'node_modules', '.schemas', 'cvss-v%s.json' % v)) as f:
        sub = json.load(f)
    store['https://www.first.org/cvss/cvss-v%s.json' % v] = sub
    if '$id' in sub:
        store[sub['$id']] = sub


def offline(uri):
    raise jsonschema.exceptions.RefResolutionError('no local copy of %s' % uri)


resolver = jsonschema.RefResolver.from_schema(schema, store=store,
                                              handlers={'http': offline, 'https': offline})
cls = jsonschema.Draft202012Validator
val = cls(schema, resolver=resolver, format_checker=cls.FORMAT_CHECKER)
bad = 0
for path in sys.argv[1:]:
    with open(path) as f:
        doc = json.load(f)
    errs = sorted(val.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errs:
        print('%s: %s: %s' % (path, '/' + '/'.join(str(p) for p in e.absolute_path), e.message))
    bad += bool(errs)
sys.exit(1 if bad else 0)
