// mandatory.mjs FILE... - run csaf-validator-lib's CSAF 2.0 mandatory tests (6.1.x)
// on each document; prints each failure and exits 1 when any document fails.
import { readFileSync } from 'node:fs'
import validate from '@secvisogram/csaf-validator-lib/validate.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
let bad = 0
for (const f of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(f, 'utf8'))
  const res = await validate(Object.values(mandatory), doc)
  for (const t of res.tests)
    for (const e of t.errors) console.log(`${f}: ${t.name}: ${e.instancePath}: ${e.message}`)
  if (!res.isValid) bad++
}
process.exit(bad ? 1 : 0)
