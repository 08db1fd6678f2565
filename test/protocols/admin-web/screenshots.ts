/**
 * Screenshots of the console's main pages for docs/console.md, taken in Debian's chromium from a
 * real server with demonstration data (not a test: `node scripts/console-screenshots.mjs`).
 * Writes docs/screenshots/*.png, desktop (1280 px) and phone (390 px) widths.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { browserSkip, consoleHarness, PW, WAIT_MS } from './harness.js';
import { logoPng } from './png.js';
import { setDomainLogo } from '../../../src/admin/domain-logo.js';

const OUT = join(process.cwd(), 'docs', 'screenshots');
const PEOPLE = [
  'Alice Martin', 'Bruno Costa', 'Chloé Dubois', 'Dmitri Ivanov', 'Emma Schmidt', 'Farah Haddad', 'Gustavo Reyes',
  'Hana Sato', 'Ivo Novak', 'Jonas Berg', 'Keira Walsh', 'Liam O\u2019Brien',
];

async function main(): Promise<void> {
  const skip = browserSkip();
  if (skip) throw new Error(skip);
  mkdirSync(OUT, { recursive: true });
  const h = await consoleHarness();
  try {
    const { store } = h.t;
    const a = (await store.getDomain('a.test'))!;
    const b = (await store.getDomain('b.test'))!;
    await store.updateDomain(a.id, { maxUsers: 50, maxQuota: 10 * 1024 ** 3, defaultQuota: 2 * 1024 ** 3 });
    for (const name of PEOPLE) {
      const local = name.split(' ')[0].toLowerCase().normalize('NFD').replace(/[^a-z]/g, '');
      await store.createAccount({ domainId: a.id, email: `${local}@a.test`, passwordHash: null, displayName: name, quotaBytes: 2 * 1024 ** 3 });
    }
    // A month of usage figures behind the chart: growing, as a customer onboards.
    const today = new Date();
    for (let day = 1; day < today.getUTCDate(); day++) {
      const d = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), day)).toISOString().slice(0, 10);
      await store.recordUsage({ domainId: a.id, day: d, users: 3 + Math.round((day / today.getUTCDate()) * 12), storageBytes: day * 40 * 1024 ** 2 });
      await store.recordUsage({ domainId: b.id, day: d, users: 2, storageBytes: day * 5 * 1024 ** 2 });
    }
    const ann = (await store.getAccount('ann@a.test'))!;
    const alice = (await store.getAccount('alice@a.test'))!;
    await store.touchDevice({ accountId: ann.id, deviceId: 'F2LXK9QPHG7', deviceType: 'iPhone', userAgent: 'Apple-iPhone15C2/2104.118', protocolVersion: '16.1' });
    await store.touchDevice({ accountId: ann.id, deviceId: 'androidc1348977', deviceType: 'Android', userAgent: 'Android-Mail/2024.05.12', protocolVersion: '14.1' });
    await store.touchDevice({ accountId: alice.id, deviceId: 'SEC1A2B3C4D5E6', deviceType: 'SAMSUNGSMS918B', userAgent: 'Android/14-EAS-2.0', protocolVersion: '16.1' });
    await setDomainLogo(store, { actor: 'cli:root', source: 'cli' }, b, logoPng(64, [0x1f, 0x5f, 0xa8]));

    const root = await h.signIn('root@a.test');
    // Changes through the API (audited) so the audit log has something to show.
    const api = (method: string, url: string, body?: unknown) =>
      root.evaluate(
        async ([m, u, bd]) => {
          const r = await fetch(`/api/v1${u}`, {
            method: m as string,
            headers: {
              authorization: `Bearer ${sessionStorage.getItem('hearth.admin.token')}`,
              ...(bd === null ? {} : { 'content-type': 'application/json' }),
            },
            body: bd === null ? undefined : JSON.stringify(bd),
          });
          if (!r.ok) throw new Error(`${m} ${u}: ${r.status} ${await r.text()}`);
        },
        [method, url, body ?? null] as const,
      );
    await api('PUT', '/aliases/sales@a.test', { targets: ['ann@a.test', 'bruno@a.test'] });
    await api('PUT', '/aliases/info@a.test', { targets: ['alice@a.test'] });
    await api('POST', '/domains/a.test/groups', { email: 'team@a.test', displayName: 'The team' });
    for (const m of ['ann@a.test', 'alice@a.test', 'bruno@a.test']) await api('PUT', `/groups/team@a.test/members/${m}`);
    await api('PUT', '/users/ann@a.test/grants/alice@a.test', { rights: 'write' });
    await api('PUT', '/users/ann@a.test/grants/bruno@a.test', { rights: 'freebusy' });
    await api('PATCH', '/users/keira@a.test', { disabled: true });
    await api('POST', '/users/ann@a.test/devices/androidc1348977/wipe', { accountOnly: true });
    await api('PUT', '/users/alice@a.test/devices/SEC1A2B3C4D5E6/access', { access: 'quarantined' });
    await api('POST', '/domains/a.test/lists', { address: 'news@a.test', name: 'Company news', subjectPrefix: '[news]', posting: 'owners' });
    await api('PUT', '/lists/news@a.test/members/alice@a.test', { role: 'owner' });
    for (const m of ['ann@a.test', 'bruno@a.test', 'partner@elsewhere.example']) await api('PUT', `/lists/news@a.test/members/${m}`, { role: 'member' });
    await api('PUT', '/domains/a.test/dkim');
    await api('POST', '/domains/a.test/resources', { email: 'boardroom@a.test', displayName: 'Board room (12 seats)', resourceType: 'room' });
    await api('POST', '/domains/a.test/resources', { email: 'projector@a.test', displayName: 'Projector', resourceType: 'equipment' });
    await api('PUT', '/domains/a.test/access-rules', { default: 'allowed', rules: [{ field: 'deviceType', pattern: 'Android*', access: 'quarantined' }, { field: 'userAgent', pattern: '*OldMail*', access: 'blocked' }] });
    await api('PATCH', '/domains/a.test/password-policy', { minLength: 12, requireDigit: true });
    await api('POST', '/api-keys', { label: 'billing system', access: 'read', cidrs: ['203.0.113.0/24'] });
    // Public folders: a small tree with its default access and a few grants.
    const folder = async (name: string, kind: string, defaultAccess: string, parentId?: number): Promise<number> => {
      const id = await root.evaluate(
        async ([n, k, a, p]) => {
          const r = await fetch('/api/v1/domains/a.test/public-folders', {
            method: 'POST',
            headers: { authorization: `Bearer ${sessionStorage.getItem('hearth.admin.token')}`, 'content-type': 'application/json' },
            body: JSON.stringify({ name: n, kind: k, defaultAccess: a, parentId: p }),
          });
          if (!r.ok) throw new Error(`public folder ${n}: ${r.status} ${await r.text()}`);
          return ((await r.json()) as { id: number }).id;
        },
        [name, kind, defaultAccess, parentId ?? null] as const,
      );
      return id;
    };
    const company = await folder('Company', 'mail', 'read');
    await folder('Announcements', 'mail', 'read', company);
    const holidays = await folder('Holidays', 'calendar', 'read', company);
    await folder('Suppliers', 'contacts', 'write');
    const board = await folder('Board', 'notes', 'none');
    await api('PUT', `/domains/a.test/public-folders/${holidays}/grants/alice@a.test`, { rights: 'write' });
    await api('PUT', `/domains/a.test/public-folders/${board}/grants/team@a.test`, { rights: 'read' });
    await api('PUT', `/domains/a.test/public-folders/${board}/grants/ann@a.test`, { rights: 'write' });
    const body = Buffer.from('From: ann@a.test\r\nSubject: Quarterly figures\r\n\r\nSee attached.\r\n');
    const queued = await store.enqueueMessage({
      mailFrom: 'ann@a.test',
      recipients: ['cfo@partner.example', 'board@partner.example'],
      blobHash: await store.putBlob(body),
      size: body.length,
      now: Date.now(),
      expiresAt: Date.now() + 5 * 24 * 3_600_000,
      submittedBy: 'ann@a.test',
    });
    for (const c of await store.claimQueuedMessages('screenshots', Date.now(), 60_000, 10))
      await store.completeQueueAttempt(c.id, 'screenshots', {
        recipients: c.recipients.map((r) => ({ address: r.address, state: 'deferred', lastError: '451 4.7.1 greylisted, try again later' })),
        nextAttemptAt: Date.now() + 15 * 60_000,
        now: Date.now(),
      });

    const shot = async (page: Page, name: string, ready: () => Promise<unknown>) => {
      await ready();
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true, timeout: WAIT_MS });
      console.log(`docs/screenshots/${name}.png`);
    };
    const go = async (page: Page, path: string, heading: string) => {
      await page.goto(`${h.base}/admin/${path}`);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
    };

    await shot(root, 'dashboard', async () => {
      await go(root, '', 'Dashboard');
      await root.locator('.chart svg').waitFor();
    });
    await shot(root, 'domains', () => go(root, 'domains', 'Domains'));
    await shot(root, 'users', async () => {
      await go(root, 'd/a.test/users', 'Users of a.test');
      await root.getByText('New user').click();
      await root.getByRole('link', { name: 'ann@a.test' }).waitFor();
    });
    await shot(root, 'user', async () => {
      await go(root, 'd/a.test/users/ann%40a.test', 'ann@a.test');
      await root.getByRole('cell', { name: /wipe requested/ }).waitFor();
    });
    await shot(root, 'devices', async () => {
      await go(root, 'd/a.test/devices', 'Devices of a.test');
      await root.getByRole('cell', { name: /wipe requested/ }).waitFor();
    });
    await shot(root, 'wipe', async () => {
      await root.getByRole('button', { name: 'Wipe iPhone' }).click();
      await root.getByRole('dialog').getByLabel('Your password').fill(PW);
    });
    await root.keyboard.press('Escape');
    await shot(root, 'aliases', async () => {
      await go(root, 'd/a.test/aliases', 'Aliases of a.test');
      await root.getByRole('rowheader', { name: 'sales@a.test' }).waitFor();
    });
    await shot(root, 'groups', async () => {
      await go(root, 'd/a.test/groups', 'Groups of a.test');
      await root.getByRole('button', { name: /team@a\.test/ }).click();
      await root.locator('.members li').filter({ hasText: 'bruno@a.test' }).waitFor();
    });
    await shot(root, 'delegation', async () => {
      await go(root, 'd/a.test/delegation?user=ann%40a.test', 'Delegation in a.test');
      await root.getByRole('cell', { name: 'alice@a.test' }).waitFor();
    });
    await shot(root, 'audit', async () => {
      await go(root, 'audit', 'Audit log');
      await root.getByText('device.wipe.requested').first().waitFor();
    });
    await shot(root, 'list', async () => {
      await go(root, 'd/a.test/lists/news%40a.test', 'news@a.test');
      await root.getByRole('rowheader', { name: 'partner@elsewhere.example' }).waitFor();
    });
    await shot(root, 'queue', async () => {
      await go(root, `queue/${queued.id}`, `Queued message #${queued.id}`);
      await root.getByRole('rowheader', { name: 'cfo@partner.example' }).waitFor();
    });
    await shot(root, 'dkim', async () => {
      await go(root, 'domains', 'Domains');
      await root.getByRole('button', { name: 'Edit a.test' }).click();
      await root.getByLabel('TXT value').waitFor();
      await root.getByRole('heading', { name: 'DKIM signing key' }).scrollIntoViewIfNeeded();
    });

    await shot(root, 'resources', async () => {
      await go(root, 'd/a.test/resources', 'Rooms and equipment of a.test');
      await root.getByRole('rowheader', { name: 'boardroom@a.test' }).waitFor();
    });
    await shot(root, 'policies', async () => {
      await go(root, 'd/a.test/policies', 'Policies of a.test');
      await root.getByLabel('Rule 2 pattern').waitFor();
    });
    await shot(root, 'public-folders', async () => {
      await go(root, 'd/a.test/public-folders', 'Public folders of a.test');
      await root.getByText('New public folder').click();
      await root.getByRole('link', { name: 'Company/Holidays' }).waitFor();
    });
    await shot(root, 'public-folder', async () => {
      await go(root, `d/a.test/public-folders/${board}`, 'Board');
      await root.getByRole('rowheader', { name: 'team@a.test' }).waitFor();
    });
    await shot(root, 'api-keys', async () => {
      await go(root, 'api-keys', 'API keys');
      await root.getByRole('cell', { name: 'billing system' }).waitFor();
    });

    await root.setViewportSize({ width: 390, height: 844 });
    await shot(root, 'phone-users', () => go(root, 'd/a.test/users', 'Users of a.test'));
    await shot(root, 'phone-devices', async () => {
      await go(root, 'd/a.test/devices', 'Devices of a.test');
      await root.getByRole('cell', { name: /wipe requested/ }).waitFor();
    });
    await root.context().close();

    const domainAdmin = await h.signIn('admin@b.test');
    await shot(domainAdmin, 'domain-admin', async () => {
      await domainAdmin.waitForFunction(() => (document.querySelector('header img.logo') as HTMLImageElement | null)?.naturalWidth === 64);
      await domainAdmin.locator('.chart svg').waitFor();
    });
    await domainAdmin.context().close();

    const anon = await h.browser.newPage({ viewport: { width: 1280, height: 700 } });
    await shot(anon, 'sign-in', async () => {
      await anon.goto(`${h.base}/admin/`);
      await anon.getByRole('button', { name: 'Sign in' }).waitFor();
    });
    await anon.close();
  } finally {
    await h.close();
  }
}

await main();
