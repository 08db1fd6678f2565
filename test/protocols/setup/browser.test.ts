/**
 * The set-up page in a real browser: Debian's chromium driven headless by playwright-core, over a
 * real HTTPS listener (the page refuses plain HTTP), next to a phone that speaks ActiveSync to
 * the same app. The user signs in, downloads the Apple profile (read back by Python's plistlib:
 * valid XML plist naming the configured server), sets out-of-office and the phone reads it over
 * ActiveSync Settings, and wipes the phone: the audit log has the entry and the phone is told
 * at its next request. Skipped, with the reason, only when /usr/bin/chromium is absent.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { buildServer } from '../../../src/server/app.js';
import { at, TestDevice } from '../activesync/harness.js';
import { child, el } from '../../../protocols/activesync/wbxml/types.js';

const CHROMIUM = '/usr/bin/chromium';
const PW = 'correct-horse-9';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed (apt-get install chromium)`;

describe('set-up page in chromium', { skip, timeout: 300_000 }, () => {
  let t: TestContext;
  let app: FastifyInstance;
  let server: Server;
  let browser: Browser;
  let page: Page;
  let base: string;
  let phone: TestDevice;

  before(async () => {
    t = await createTestContext();
    await t.addUser('ann@a.test', PW, { displayName: 'Ann' });
    app = await buildServer(t.ctx);
    await app.ready();
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    } as never);
    server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => app.routing(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A phone that has synchronised with the account.
    phone = new TestDevice(app, 'ann@a.test', PW, 'ANNPHONE', '14.1');
    await phone.provision();
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'], timeout: 120_000 });
    const context = await browser.newContext({ ignoreHTTPSErrors: true, acceptDownloads: true, viewport: { width: 390, height: 844 } });
    context.setDefaultTimeout(60_000);
    page = await context.newPage();
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await app?.close();
    await t?.close();
  });

  it('signs in, downloads the profile, sets out-of-office, wipes the phone', async () => {
    // Sign in (a wrong password first: the page says so and stays on the form).
    await page.goto(`${base}/setup/`);
    await page.getByLabel('Your email address').fill('ann@a.test');
    await page.getByLabel('Your password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong address or password.' }).waitFor();
    await page.getByLabel('Your email address').fill('ann@a.test');
    await page.getByLabel('Your password').fill(PW);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Set up your devices' }).waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === '__Host-hearth-setup');
    assert.ok(session && session.httpOnly && session.secure && session.sameSite === 'Strict', JSON.stringify(cookies));

    // The profile: a valid XML plist that names the configured server.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the profile' }).click()]);
    assert.match(download.suggestedFilename(), /\.mobileconfig$/);
    const xml = readFileSync(await download.path());
    const parsed = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', 'import plistlib,sys,json; print(json.dumps(plistlib.loads(sys.stdin.buffer.read()), default=str))'], { input: xml, timeout: 60_000 }).toString(),
    ) as { PayloadContent: Record<string, unknown>[] };
    const eas = parsed.PayloadContent.find((c) => c.PayloadType === 'com.apple.eas.account')!;
    const serverUrl = new URL(t.ctx.settings.publicUrl);
    assert.equal(eas.Host, serverUrl.port ? `${serverUrl.hostname}:${serverUrl.port}` : serverUrl.hostname);
    assert.equal(eas.EmailAddress, 'ann@a.test');

    // Out-of-office, read by the phone over ActiveSync Settings ([MS-ASCMD] 2.2.3.119).
    await page.getByLabel('On', { exact: true }).check();
    await page.getByLabel('Message').fill('Back on Monday.');
    await page.getByRole('button', { name: 'Save out-of-office' }).click();
    await page.getByRole('status').filter({ hasText: 'Your out-of-office setting is saved.' }).waitFor();
    const S = 'Settings';
    const got = await phone.send('Settings', el(S, 'Settings', [el(S, 'Oof', [el(S, 'Get', [el(S, 'BodyType', 'Text')])])]));
    const g = child(child(got.doc!, 'Oof')!, 'Get')!;
    assert.equal(at(g, 'OofState'), '1');
    assert.equal(at(g, 'OofMessage', 'ReplyMessage'), 'Back on Monday.');

    // Wipe the lost phone: full wipe, password re-entered.
    const device = page.locator('[data-device="ANNPHONE"]');
    await device.getByLabel('Erase the whole device').check();
    await device.getByLabel('Your password, to confirm').fill(PW);
    await device.getByRole('button', { name: 'Wipe my lost phone' }).click();
    await page.getByRole('status').filter({ hasText: 'The wipe is requested' }).waitFor();
    assert.equal((await page.locator('[data-device="ANNPHONE"] .wipe-state').textContent())?.trim(), 'wipe requested');
    const audit = await t.store.listAudit({ target: 'device:ann@a.test/ANNPHONE' });
    assert.deepEqual(audit.map((e) => [e.action, e.actor, e.detail]), [['device.wipe.requested', 'setup:ann@a.test', { accountOnly: false }]]);
    // The phone is told at its next request (Status 140: provision again, then RemoteWipe).
    assert.equal(at((await phone.folderSync('0')).doc, 'Status'), '140');

    // Sign out: the page asks for the password again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Your email address').waitFor();
  });
});
