// scan.mjs - the scanner's findings and ratings in real headless Chromium: the
// CERT opens /ratings (the national table, in bokmål), follows Bergen to its
// findings, opens the red finding, accepts it through the comply-or-explain
// form, and the page then shows what the store holds (kcert finding list,
// kcert rating): accepted, struck through, the reason and the day, the colour.
//
//   node scan.mjs URL PASSWORD SCREENSHOT_DIR KCERT UNTIL
// Users (made by tests/e2e/test_browser_scan.sh): ana (analyst) with PASSWORD.
// KCERT_DB in the environment is the test's store.
import { execFileSync } from 'node:child_process';
import { session } from './lib.mjs';

const [url, password, shots, kcert, until] = process.argv.slice(2);
const { check, login, finish } = await session('test_browser_scan', url, password);
const kc = (...args) => JSON.parse(execFileSync(kcert, args, { env: process.env }).toString());

try {
  const { context, page } = await login('ana');
  await page.getByRole('link', { name: 'Vurderinger' }).click();
  check(await page.getByRole('heading', { name: /^Vurderinger/ }).isVisible(), '/ratings from the menu, in bokmål');
  // The summary says what the store says.
  const ratings = kc('rating', '--format', 'json');
  for (const colour of ['red', 'orange', 'yellow', 'green', 'grey']) {
    const want = ratings.filter((r) => r.colour === colour).length;
    const got = Number((await page.locator(`#count-${colour}`).textContent()).trim());
    check(got === want, `the summary's ${colour} count is the store's`, `${got} != ${want}`);
  }
  const bergen = page.locator('#rating-4601');
  check((await bergen.locator('.rating').textContent()).trim() === 'rød', 'Bergen\'s badge says rød in words');
  check(await page.getByRole('heading', { name: 'Vestland' }).isVisible(), 'a section per county');
  check(await page.getByRole('img', { name: 'Kommuner etter vurdering per dag' }).isVisible(),
        'the national trend chart, named for screen readers');
  await page.screenshot({ path: `${shots}/ui-ratings.png`, fullPage: true });

  await Promise.all([page.waitForNavigation(), bergen.getByRole('link', { name: 'Bergen' }).click()]);
  check(await page.getByRole('heading', { name: /^Sårbarhetsfunn/ }).first().waitFor({ state: 'visible', timeout: 15000 })
    .then(() => true, (e) => { console.error(String(e)); return false; }), 'Bergen\'s page has the findings section');
  check((await page.locator('#org-rating').textContent()).trim() === 'rød', 'rated rød');
  await page.locator('#findings').screenshot({ path: `${shots}/ui-org-findings.png` });
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Redis er eksponert' }).click()]);
  const id = Number(page.url().replace(/.*\/findings\//, ''));
  check(id > 0, 'the finding\'s page', page.url());
  check((await page.locator('#evidence').textContent()).includes('"'), 'its evidence is shown');
  await page.getByLabel('Begrunnelse').fill('Testserver bak brannmur fra neste uke');
  await page.getByLabel('Til og med (ÅÅÅÅ-MM-DD)').fill(until);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Aksepter', exact: true }).click()]);
  const stored = kc('finding', 'list', '--org', '4601', '--format', 'json').find((f) => f.id === id);
  check(stored && stored.status === 'accepted', 'the store holds the acceptance', JSON.stringify(stored));
  check(stored && stored.accept_reason === 'Testserver bak brannmur fra neste uke' && stored.accept_until === until,
        'with the reason and the day given in the form');
  check((await page.locator('#finding-status').textContent()).trim() === 'Akseptert', 'the page says Akseptert');
  check((await page.locator('#accept-reason').textContent()) === stored.accept_reason, 'and the stored reason');
  check((await page.locator('#accept-until').textContent()) === stored.accept_until, 'and the stored day');
  await page.screenshot({ path: `${shots}/ui-finding-accepted.png`, fullPage: true });

  await page.goto(`${url}/orgs/4601`);
  const row = page.locator(`#finding-${id}`);
  check(await row.locator('s').getByRole('link', { name: 'Redis er eksponert' }).isVisible(), 'struck through in the list');
  const rating = kc('rating', '--org', '4601', '--format', 'json')[0];
  const colour = { red: 'rød', orange: 'oransje', yellow: 'gul', green: 'grønn', grey: 'grå' }[rating.colour];
  check((await page.locator('#org-rating').textContent()).trim() === colour, 'the badge shows the stored colour',
        `${rating.colour}`);
  await context.close();
} catch (e) {
  check(false, 'browser session', String(e));
}
await finish();
