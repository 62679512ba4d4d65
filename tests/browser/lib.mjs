// lib.mjs - what the browser tests share: Debian's Chromium through
// playwright-core, a tally of checks, and logging in through the form.
import { chromium } from 'playwright-core';

export async function session(testName, url, password) {
  let pass = 0, fail = 0;
  const check = (ok, what, detail = '') => {
    if (ok) pass++;
    else { fail++; console.error(`FAIL ${testName}: ${what} ${detail}`); }
  };
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // Log in as name through the form; onLoginPage(page) may check the form first.
  const login = async (name, onLoginPage) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/login`);
    if (onLoginPage) await onLoginPage(page);
    await page.getByLabel('Brukernavn').fill(name);
    await page.getByLabel('Passord').fill(password);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Logg inn' }).click()]);
    return { context, page };
  };
  const finish = async () => {
    await browser.close();
    console.log(`e2e ${testName}: ${pass} passed, ${fail} failed`);
    process.exit(fail ? 1 : 0);
  };
  return { check, login, finish };
}
