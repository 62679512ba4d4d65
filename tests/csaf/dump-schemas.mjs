// dump-schemas.mjs - write the FIRST CVSS JSON schemas that csaf-validator-lib ships
// (as JavaScript modules) into DIR as plain JSON files.
import { writeFileSync } from 'node:fs'
const dir = process.argv[2]
for (const v of ['2.0', '3.0', '3.1']) {
  const m = await import(`@secvisogram/csaf-validator-lib/schemas/cvss-v${v}.js`)
  writeFileSync(`${dir}/cvss-v${v}.json`, JSON.stringify(m.default))
}
