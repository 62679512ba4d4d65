// ui.mjs - the web UI in real headless Chromium (Debian's chromium, driven by
// playwright-core): each role logs in through the form and sees what it may,
// a member edits their organisation's contacts, the language switch works,
// and a forged form post without the CSRF token is refused.
//
//   node ui.mjs URL PASSWORD SCREENSHOT_DIR
// Users (made by tests/e2e/test_browser.sh): admin-ui, oslo-ui (member of 0301),
// helse-ui (partner), all with PASSWORD.
import { session } from './lib.mjs';

const [url, password, shots] = process.argv.slice(2);
const { check, login: formLogin, finish } = await session('test_browser', url, password);

async function login(name) {
  const r = await formLogin(name, async (page) =>
    check(await page.locator('html').getAttribute('lang') === 'nb', `${name}: the login page is in bokmål`));
  if (r.page.url() !== `${url}/`) console.error('after login:', r.page.url(), (await r.page.content()).slice(0, 2000));
  return r;
}

try {
  // Administrator: sees users and the audit log.
  {
    const { context, page } = await login('admin-ui');
    check(await page.getByRole('link', { name: 'Revisjonslogg' }).isVisible(), 'admin sees the audit log link');
    await page.getByRole('link', { name: 'Revisjonslogg' }).click();
    check((await page.content()).includes('login'), 'the audit page lists logins');
    await page.goto(`${url}/orgs?county=Vestland&kind=municipality`);
    const rows = await page.locator('tbody tr').count();
    check(rows === 43, 'admin: 43 municipalities in Vestland', `(got ${rows})`);
    await page.screenshot({ path: `${shots}/ui-admin-orgs.png`, fullPage: false });
    await context.close();
  }
  // Member of Oslo: own contacts, add one through the form, nothing of Bergen's.
  {
    const { context, page } = await login('oslo-ui');
    check(!(await page.getByRole('link', { name: 'Revisjonslogg' }).count()), 'a member has no audit log link');
    await page.goto(`${url}/orgs/0301`);
    check(await page.getByText('Ola Oslo').isVisible(), 'the member sees Oslo\'s contact');
    check(await page.getByText('TLP:AMBER').first().isVisible(), 'with the TLP:AMBER label');
    await page.getByLabel('Navn', { exact: true }).fill('Siri Sikkerhet');
    await page.getByLabel('E-post').fill('siri@oslo.kommune.no');
    await page.getByLabel('Rolle').selectOption('24x7');
    await page.getByRole('button', { name: 'Legg til' }).click();
    await page.waitForURL(`${url}/orgs/0301`);
    check(await page.getByText('siri@oslo.kommune.no').isVisible(), 'the added contact is shown');
    // Edit it: the phone number.
    await page.getByRole('link', { name: 'Endre Siri Sikkerhet' }).click();
    await page.getByLabel('Telefon').fill('+47 22 00 11 22');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Lagre' }).click()]);
    check(page.url() === `${url}/orgs/0301`, 'saving returns to the organisation');
    check(await page.getByText('+47 22 00 11 22').isVisible(), 'the edited contact shows its new phone number');
    await page.screenshot({ path: `${shots}/ui-member-org.png`, fullPage: true });
    await page.goto(`${url}/orgs/4601`);
    const html = await page.content();
    check(!html.includes('Kari Bergen') && !html.includes('198.51.100'), 'the member sees nothing of Bergen\'s');
    // A forged post: the member's own cookie, but no CSRF token.
    const forged = await page.request.post(`${url}/orgs/0301/contacts`, {
      form: { name: 'Forged', email: 'forged@oslo.kommune.no', role: 'security' },
      maxRedirects: 0,
    });
    check(forged.status() === 403, 'a forged form post without the CSRF token is refused', `(${forged.status()})`);
    await page.goto(`${url}/orgs/0301`);
    check(!(await page.content()).includes('forged@'), 'and nothing was added');
    // Language: nynorsk, remembered for the user.
    await page.getByLabel('Språk').selectOption('nn');
    await page.getByRole('button', { name: 'Endre' }).click();
    await page.goto(`${url}/orgs`);
    check(await page.locator('html').getAttribute('lang') === 'nn', 'the page is in nynorsk after the switch');
    check(await page.getByRole('columnheader', { name: 'Namn' }).isVisible(), 'nynorsk column header');
    // Keyboard: the search field is reachable and labelled.
    await page.keyboard.press('Tab');
    check(await page.getByLabel('Søk').count() === 1, 'the search field has a label');
    await context.close();
  }
  // Partner: public records only.
  {
    const { context, page } = await login('helse-ui');
    await page.goto(`${url}/orgs/0301`);
    const html = await page.content();
    check(html.includes('Oslo') && !html.includes('Ola Oslo') && !html.includes('192.0.2.'),
          'a partner sees the organisation but not its contacts or assets');
    await context.close();
  }
} catch (e) {
  check(false, 'browser session', String(e));
}
await finish();
