// picture.mjs - the situational picture in real headless Chromium: an analyst
// opens /situation and a municipality user opens theirs; each page is
// screenshotted and what it shows is compared with what the store holds, as
// tests/e2e/test_browser_picture.sh read it from the API and the store:
//
//   node picture.mjs URL PASSWORD SCREENSHOT_DIR DATA_DIR KCERT
// DATA_DIR: national.json and bergen.json (GET /api/v1/situation as ana and
// as bergen), map.tsv (municipality code, events last seen in the 30 days),
// others.txt (every municipality's name but Bergen's).
import { readFileSync } from 'node:fs';
import { session } from './lib.mjs';

const [url, password, shots, data] = process.argv.slice(2);
const { check, login, finish } = await session('test_browser_picture', url, password);
const national = JSON.parse(readFileSync(`${data}/national.json`, 'utf8'));
const bergen = JSON.parse(readFileSync(`${data}/bergen.json`, 'utf8'));
const perCode = new Map(readFileSync(`${data}/map.tsv`, 'utf8').split('\n').filter(Boolean)
  .map((l) => l.split('\t')).map(([c, n]) => [c, Number(n)]));
const others = readFileSync(`${data}/others.txt`, 'utf8').split('\n').filter(Boolean);
// The map's colour classes, as its legend states them: none, 1-4, 5-19, 20-99, 100 or more.
const countClass = (n) => (n <= 0 ? 0 : n < 5 ? 1 : n < 20 ? 2 : n < 100 ? 3 : 4);
const severities = ['lav', 'moderat', 'alvorlig', 'kritisk'];
const phases = ['reported', 'triage', 'handling', 'recovery'];
const text = async (page, sel) => ((await page.locator(sel).textContent()) || '').trim();

async function openCases(page, api, who) {
  for (const s of severities)
    check(await text(page, `#sev-${s}`) === String(api.open_cases_by_severity[s]),
          `${who}: open ${s} cases as the API counts them`, `(${await text(page, `#sev-${s}`)} vs ${api.open_cases_by_severity[s]})`);
  for (const p of phases)
    check(await text(page, `#phase-${p}`) === String(api.open_cases_by_phase[p]),
          `${who}: open cases in phase ${p}`, `(${await text(page, `#phase-${p}`)} vs ${api.open_cases_by_phase[p]})`);
}

// Rows of a count table (#by-type): key -> [24 h, 7 d, 30 d].
async function countRows(page, id) {
  return page.$$eval(`#${id} tbody tr`, (trs) => trs.map((tr) => [tr.querySelector('th').textContent,
    [...tr.querySelectorAll('td')].map((td) => Number(td.textContent))]));
}

async function eventsByType(page, api, who) {
  const rows = await countRows(page, 'by-type');
  check(rows.length === api.events_by_type.length && rows.length > 0, `${who}: one row per event type`,
        `(${rows.length} vs ${api.events_by_type.length})`);
  for (const t of api.events_by_type) {
    const row = rows.find(([k]) => k === t.key);
    check(row && row[1][0] === t['24h'] && row[1][1] === t['7d'] && row[1][2] === t['30d'],
          `${who}: events of type ${t.key} in 24 h / 7 d / 30 d as the API counts them`,
          `(${row && row[1]} vs ${t['24h']},${t['7d']},${t['30d']})`);
  }
}

try {
  // The CERT's national picture.
  {
    const { context, page } = await login('ana');
    await page.goto(`${url}/situation`);
    check(await page.getByRole('heading', { name: 'Situasjonsbilde', level: 1 }).isVisible(), 'the national picture, in bokmål');
    await page.screenshot({ path: `${shots}/ui-situation.png`, fullPage: true });
    await openCases(page, national, 'analyst');
    await eventsByType(page, national, 'analyst');
    check(national.threat_level && (await text(page, '#threat-level')).includes(national.threat_level.rationale),
          'the threat level and its rationale');
    // The map: one tile per municipality, coloured by the store's count.
    const tiles = await page.$$eval('#map-events svg.kc-map rect.m', (rs) => rs.map((r) => [r.dataset.code, r.getAttribute('class')]));
    check(tiles.length === 357 && new Set(tiles.map(([c]) => c)).size === 357, 'the map has 357 municipality tiles',
          `(${tiles.length})`);
    let wrong = tiles.filter(([c, cls]) => cls !== `m c-${countClass(perCode.get(c) || 0)}`);
    check(!wrong.length, 'every tile has the colour class of its count in the store', JSON.stringify(wrong.slice(0, 5)));
    const used = new Set(tiles.map(([, cls]) => cls));
    check(used.size >= 2 && used.has('m c-0'), 'the dataset gives the map coloured and uncoloured tiles', [...used].join(' '));
    // Each tile is a link named by the municipality and its figure (the accessibility tree, not the markup).
    const oslo = page.locator('#map-events').getByRole('link', { name: new RegExp(`^Oslo \\(0301\\): ${perCode.get('0301')},`) });
    check(await oslo.count() === 1, "Oslo's tile is a link named with its count");
    await oslo.focus();
    check(await page.evaluate(() => document.activeElement?.getAttribute('href')) === '/org/0301/situation',
          "Oslo's tile takes the keyboard focus");
    await page.keyboard.press('Tab');
    check(/^\/org\/\d{4}\/situation$/.test(await page.evaluate(() => document.activeElement?.getAttribute('href') || '')),
          'Tab goes on to the next tile');
    // The data-table alternative has the same figures.
    const rows = await page.$$eval('#map-table tbody tr', (trs) => trs.map((tr) => [tr.dataset.code,
      Number(tr.querySelectorAll('td')[1].textContent)]));
    wrong = rows.filter(([c, n]) => n !== (perCode.get(c) || 0));
    check(rows.length === 357 && !wrong.length, 'the map as a table: the same 357 figures', JSON.stringify(wrong.slice(0, 5)));
    // The map by rating: its tiles by class add up to the rating per county's last row (all counties).
    const rtiles = await page.$$eval('#map-rating svg.kc-map rect.m', (rs) => rs.map((r) => r.getAttribute('class')));
    const all = await page.$$eval('#rating-county tbody tr:last-child td', (tds) => tds.map((td) => Number(td.textContent)));
    const byClass = [0, 1, 2, 3, 4].map((k) => rtiles.filter((c) => c === `m c-${k}`).length);
    check(rtiles.length === 357 && JSON.stringify(byClass) === JSON.stringify(all),
          'the rating map: 357 tiles, coloured as the rating per county counts them', `${byClass} vs ${all}`);
    check(Object.keys(national.ratings_by_county || []).length > 0, 'the API has the ratings by county too');
    await context.close();
  }
  // A municipality's own picture.
  {
    const { context, page } = await login('bergen');
    await page.goto(`${url}/situation`);
    check(await page.getByRole('heading', { name: 'Deres situasjonsbilde', level: 1 }).isVisible(), 'their own picture');
    await page.screenshot({ path: `${shots}/ui-situation-municipality.png`, fullPage: true });
    await openCases(page, bergen, 'municipality');
    await eventsByType(page, bergen, 'municipality');
    check(Number(await text(page, '#own-30d')) === bergen.compare.own_total, 'their new events in 30 days, as the API',
          `(${await text(page, '#own-30d')} vs ${bergen.compare.own_total})`);
    check(Number(await text(page, '#median-30d')) === bergen.compare.median_total, 'the national median, as the API',
          `(${await text(page, '#median-30d')} vs ${bergen.compare.median_total})`);
    check(bergen.compare.own_total > 0, 'the dataset gives Bergen events to compare');
    check(!(await page.locator('svg.kc-map').count()), 'no map of the others');
    // No other municipality is named, in the text or in the markup (titles, labels).
    const shown = `${await page.locator('body').innerText()}\n${await page.content()}`;
    const named = others.filter((n) => new RegExp(`(?<![\\p{L}-])${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}-])`, 'u').test(shown));
    check(others.length > 300 && !named.length, 'no other municipality is named', named.slice(0, 5).join(', '));
    await context.close();
  }
} catch (e) {
  check(false, 'the browser test ran through', e.stack);
}
await finish();
