// cases.mjs - incident handling in real headless Chromium: a municipality
// user reports an incident through the Norwegian form; an analyst finds it in
// the queue, triages it and replies; the reply reaches the SMTP server with the
// case's tag; the municipality answers by e-mail through kcert mailgate; the
// answer appears on the case for both.
//
//   node cases.mjs URL PASSWORD SCREENSHOT_DIR MAILDIR KCERT
// Users (made by tests/e2e/test_browser_cases.sh): ana (analyst), oslo-ui
// (member of 0301), with PASSWORD. MAILDIR is where the SMTP sink writes.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { session } from './lib.mjs';

const [url, password, shots, maildir, kcert] = process.argv.slice(2);
const { check, login, finish } = await session('test_browser_cases', url, password);

async function waitForMail(n) {
  for (let i = 0; i < 100; i++) {
    const files = readdirSync(maildir).filter((f) => f.endsWith('.eml'));
    if (files.length >= n) return files.sort().map((f) => readFileSync(`${maildir}/${f}`, 'utf8'));
    await new Promise((r) => setTimeout(r, 200));
  }
  return [];
}

let caseUrl = '';
try {
  // The municipality reports.
  {
    const { context, page } = await login('oslo-ui');
    await page.getByRole('link', { name: 'Saker' }).click();
    await page.getByRole('link', { name: 'Meld en hendelse' }).click();
    check(await page.getByRole('heading', { name: 'Meld en hendelse' }).isVisible(), 'the report form, in bokmål');
    await page.getByLabel('Kort tittel').fill('Løsepengevirus på filserveren');
    await page.getByLabel('Hva har skjedd?').fill('Filene på F: er kryptert. Løsepengebrevet nevner 203.0.113.66.');
    await page.getByLabel('Når ble det oppdaget?').fill('2026-11-30T07:15');
    await page.getByLabel('Berørte systemer og tjenester').fill('filserver, fagsystem');
    await page.getByLabel('Gjelder det personopplysninger?').selectOption('yes');
    await page.getByLabel('Er tjenester nede?').selectOption('yes');
    await page.getByLabel('politiet').check();
    await page.getByLabel(/^Vedlegg/).setInputFiles({
      name: 'brannmurlogg.csv', mimeType: 'text/csv', buffer: Buffer.from('tid,kilde\n02:10,203.0.113.66\n'),
    });
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send melding' }).click()]);
    caseUrl = page.url();
    check(/\/cases\/\d+$/.test(caseUrl), 'sending the report opens the case page', caseUrl);
    check(await page.getByRole('heading', { name: /Løsepengevirus på filserveren/ }).isVisible(), 'with its title');
    check((await page.locator('#case-status').textContent()).trim() === 'meldt', 'status: meldt');
    check(await page.locator('#attachments-list').getByRole('link', { name: 'brannmurlogg.csv' }).isVisible(),
          'the uploaded file is listed on the case');
    check(!(await page.getByRole('heading', { name: 'Vurdering' }).count()), 'the municipality has no triage form');
    await page.screenshot({ path: `${shots}/ui-case-reported.png`, fullPage: true });
    await context.close();
  }
  // The analyst triages and replies.
  {
    const { context, page } = await login('ana');
    await page.goto(`${url}/cases`);
    check(await page.getByRole('link', { name: /^#\d+$/ }).first().isVisible(), 'the case is in the analyst\'s queue');
    await page.goto(caseUrl);
    check(await page.getByText('203.0.113.66').first().isVisible(), 'the observable is listed');
    await page.getByLabel('Status').selectOption('handling');
    await page.getByLabel('Alvorlighetsgrad').selectOption('kritisk');
    await page.getByLabel('Klassifisering (RSIT)').selectOption('malicious-code/infected-system');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Lagre' }).click()]);
    check((await page.locator('#case-status').textContent()).trim() === 'håndtering', 'the status is now håndtering');
    check(await page.getByText('Isoler maskinene fra nettverket').isVisible(), 'the checklist of the classification');
    await page.getByLabel('Melding').fill('Koble filserveren fra nettet og ikke betal. Vi ringer dere.');
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send', exact: true }).click()]);
    check(await page.getByText('Koble filserveren fra nettet').first().isVisible(), 'the reply is on the timeline');
    await page.screenshot({ path: `${shots}/ui-case-triaged.png`, fullPage: true });
    await context.close();
  }
  // The reply reaches the mail server, tagged; the municipality answers by mail.
  const mails = await waitForMail(1);
  check(mails.length === 1, 'the reply reached the SMTP server', `(${mails.length})`);
  const id = caseUrl.replace(/.*\/cases\//, '');
  const subject = (mails[0] || '').match(/^Subject: (.*)$/m);
  check(subject && subject[1].includes(`[KommuneCERT #${id}]`), 'its subject carries the case tag', subject && subject[1]);
  check((mails[0] || '').includes('X-Envelope-To: ola@oslo.kommune.no'), 'it went to Oslo\'s contact');
  const answer = [
    'From: Ola Oslo <ola@oslo.kommune.no>', 'To: cert@kommunecert.example',
    `Subject: SV: [KommuneCERT #${id}] Løsepengevirus`, 'Message-ID: <svar-browser-1@oslo.kommune.no>',
    'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '',
    'Filserveren er koblet fra. Vi venter på telefonen.', ''].join('\r\n');
  const out = execFileSync(kcert, ['mailgate'], { input: answer, env: process.env }).toString();
  check(out.trim() === `case #${id}`, 'mailgate files the answer under the case', out);
  {
    const { context, page } = await login('oslo-ui');
    await page.goto(caseUrl);
    check(await page.getByText('Filserveren er koblet fra').first().isVisible(), 'the municipality sees its answer on the case');
    check(await page.getByText('Koble filserveren fra nettet').first().isVisible(), 'and the CERT\'s reply');
    check(!(await page.getByText('internt').count()), 'and nothing internal');
    await context.close();
  }
} catch (e) {
  check(false, 'browser session', String(e));
}
await finish();
