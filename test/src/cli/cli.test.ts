import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import { AuthService } from '../../../src/auth/auth-service.js';
import { fails, hearth, hearthInProcess, ok, type Result } from './helpers.js';

const G = 1024 ** 3;
const M = 1024 ** 2;

// The commands run in-process through the same main() as the binary (no spawn to time out on a
// busy machine), one after another; each test uses its own domain or account, so any one of them
// also passes alone (--test-name-pattern). Two spawned runs at the end check the real process.
describe('hearth CLI (in-process main(), SQLite in HEARTH_DATA_DIR)', () => {
  let dir: string;
  let data: string;
  const run = (...args: string[]): Promise<Result> => hearthInProcess({ HEARTH_DATA_DIR: data }, ...args);
  /** The same SQLite store the CLI writes, opened by this process (WAL: both may use it). */
  async function withStore<T>(fn: (s: Store) => Promise<T>): Promise<T> {
    const s = await openStore(undefined, data);
    try { return await fn(s); } finally { await s.close(); }
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-cli-'));
    data = join(dir, 'data');
    assert.equal(ok(await run('domain', 'add', 'Example.TEST', '--max-users', '5', '--quota', '2G', '--max-quota', '5G', '--max-message-size', '25M')),
      'added domain example.test\n');
    assert.equal(ok(await run('user', 'add', 'ann@example.test', '--password', 'ann-password-1', '--quota', '500K')), 'added user ann@example.test\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('domain add stores the limits (SIZE 2G, 25M); domain list shows them', async () => {
    const d = await withStore((s) => s.getDomain('example.test'));
    assert.ok(d);
    assert.deepEqual([d.maxUsers, d.defaultQuota, d.maxQuota, d.maxMessageSize], [5, 2 * G, 5 * G, 25 * M]);
    assert.match(ok(await run('domain', 'list')), /^example\.test\tusers \d\/5\tquota 2G\tmax-message 25M$/m);
  });

  it('refuses a duplicate domain (exit 1) and a bad SIZE (exit 2)', async () => {
    const dup = await run('domain', 'add', 'EXAMPLE.test');
    const size = await run('domain', 'add', 'sizes.example', '--quota', '2X');
    fails(dup, 1, /example\.test exists/);
    fails(size, 2, /not a size: '2X' \(use e\.g\. 500K, 25M, 2G\)/);
    assert.equal(await withStore((s) => s.getDomain('sizes.example')), null, 'nothing half-created');
  });

  it('user add takes --quota (500K) or the domain default; user list shows users and roles', async () => {
    ok(await run('user', 'add', 'Bob@Example.test', '--password', 'bob-password-1', '--admin', '--name', 'Bob B'));
    const [ann, bob] = await withStore((s) => Promise.all([s.getAccount('ann@example.test'), s.getAccount('bob@example.test')]));
    assert.equal(ann?.quotaBytes, 500 * 1024);
    assert.ok(ann?.passwordHash?.startsWith('$scrypt$'));
    assert.equal(bob?.quotaBytes, 2 * G, 'the domain default');
    assert.equal(bob?.displayName, 'Bob B');
    assert.deepEqual(bob?.adminDomains, [bob?.domainId]);
    const out = ok(await run('user', 'list', 'example.test'));
    assert.match(out, /^ann@example\.test\tuser\tused 0\/500K\t-$/m);
    assert.match(out, /^bob@example\.test\tuser\tused 0\/2G\tdomain-admin$/m);
  });

  it('refuses a user over max users with a clear message and exit 1', async () => {
    ok(await run('domain', 'add', 'small.example', '--max-users', '1'));
    ok(await run('user', 'add', 'one@small.example', '--password', 'one-password'));
    const line = fails(await run('user', 'add', 'two@small.example', '--password', 'two-password'), 1, /small\.example/);
    assert.match(line, /limit of 1 user/);
    assert.equal(await withStore((s) => s.getAccount('two@small.example')), null);
  });

  it('refuses bad input with exit 2, one line and no stack trace', async () => {
    const address = await run('user', 'add', 'not-an-address', '--password', 'long-enough-1');
    const domain = await run('user', 'add', 'x@nowhere.example', '--password', 'long-enough-1');
    const quota = await run('user', 'add', 'big@example.test', '--password', 'long-enough-1', '--quota', '6G');
    const password = await run('user', 'add', 'short@example.test', '--password', 'short');
    fails(address, 2, /not an email address: 'not-an-address'/);
    fails(domain, 2, /unknown domain nowhere\.example.*hearth domain add nowhere\.example/);
    fails(quota, 2, /quota 6G exceeds the maximum of domain example\.test \(5G\)/);
    fails(password, 2, /at least 8 characters/);
    const accounts = await withStore(async (s) => s.listAccounts());
    assert.ok(!accounts.some((a) => /^(big|short)@/.test(a.email)));
  });

  it('user passwd changes the password and clears lockouts', async () => {
    ok(await run('user', 'add', 'pat@example.test', '--password', 'pat-password-1'));
    await withStore((s) => s.recordLoginFailure('pat@example.test', '192.0.2.1', Date.now()));
    assert.equal(ok(await run('user', 'passwd', 'PAT@example.test', '--password', 'pat-password-2')), 'password changed for pat@example.test\n');
    await withStore(async (s) => {
      assert.equal(await s.countLoginFailures('pat@example.test', '192.0.2.1', 0), 0);
      const auth = new AuthService(s, { lockout: { maxFailures: 3, windowMs: 60_000 }, cacheTtlMs: 0 });
      assert.ok((await auth.verify('pat@example.test', 'pat-password-2', '192.0.2.2')).ok);
      assert.equal((await auth.verify('pat@example.test', 'pat-password-1', '192.0.2.2')).ok, false);
    });
  });

  it('alias add delivers an address to targets', async () => {
    assert.equal(ok(await run('alias', 'add', 'Sales@example.test', 'ann@example.test', 'Team@Example.test')),
      'alias sales@example.test -> ann@example.test, team@example.test\n');
    assert.deepEqual((await withStore((s) => s.getAlias('sales@example.test')))?.targets, ['ann@example.test', 'team@example.test']);
  });

  it('lockout unlock clears every source of one login', async () => {
    await withStore(async (s) => {
      const t = Date.now();
      for (const src of ['192.0.2.10', '192.0.2.10', '192.0.2.11']) await s.recordLoginFailure('locked@example.test', src, t);
      await s.recordLoginFailure('other@example.test', '192.0.2.10', t);
    });
    assert.equal(ok(await run('lockout', 'unlock', 'LOCKED@example.test')), 'cleared 3 failed logins of locked@example.test\n');
    await withStore(async (s) => {
      assert.equal(await s.countLoginFailures('locked@example.test', '192.0.2.10', 0), 0);
      assert.equal(await s.countLoginFailures('locked@example.test', '192.0.2.11', 0), 0);
      assert.equal(await s.countLoginFailures('other@example.test', '192.0.2.10', 0), 1, 'other logins keep theirs');
    });
  });

  it('device list / wipe / cancel-wipe / remove on a device the store created, each audited', async () => {
    const email = 'ann@example.test';
    const target = `device:${email}/ANDROIDC1234`;
    await withStore(async (s) => {
      const ann = (await s.getAccount(email))!;
      const d = await s.touchDevice({ accountId: ann.id, deviceId: 'ANDROIDC1234', deviceType: 'Android', protocolVersion: '16.1' });
      await s.updateDevice(d.id, { model: 'Pixel 8' });
      const gone = await s.touchDevice({ accountId: ann.id, deviceId: 'WIPEDPHONE', deviceType: 'iPhone' });
      await s.updateDevice(gone.id, { wipeState: 'acknowledged' });
    });
    assert.match(ok(await run('device', 'list', email)), /^ANDROIDC1234\tAndroid\tPixel 8\t\d{4}-\d\d-\d\dT[\d:.]+Z\tnone\tallowed$/m);

    const wipe = await run('device', 'wipe', email, 'ANDROIDC1234', '--account-only');
    const refused = await run('device', 'wipe', email, 'WIPEDPHONE');
    assert.match(ok(wipe), /account-only wipe requested for ANDROIDC1234 of ann@example\.test/);
    fails(refused, 1, /already wiped/);
    await withStore(async (s) => {
      const d = await s.getDevice((await s.getAccount(email))!.id, 'ANDROIDC1234');
      assert.deepEqual([d?.wipeState, d?.wipeAccountOnly], ['requested', true]);
      const e = (await s.listAudit({ target })).find((x) => x.action === 'device.wipe.requested');
      assert.ok(e, 'an audit event for the wipe');
      assert.deepEqual([e.actor, e.source, e.detail], ['cli:tester', 'cli', { accountOnly: true }]);
    });

    assert.match(ok(await run('device', 'cancel-wipe', email, 'ANDROIDC1234')), /wipe cancelled for ANDROIDC1234/);
    await withStore(async (s) => {
      const d = await s.getDevice((await s.getAccount(email))!.id, 'ANDROIDC1234');
      assert.deepEqual([d?.wipeState, d?.wipeAccountOnly], ['none', false]);
    });

    assert.match(ok(await run('device', 'remove', email, 'ANDROIDC1234')), /removed ANDROIDC1234 of ann@example\.test/);
    await withStore(async (s) => {
      assert.deepEqual((await s.listDevices((await s.getAccount(email))!.id)).map((d) => d.deviceId), ['WIPEDPHONE']);
      const actions = (await s.listAudit({ target })).map((x) => x.action).sort();
      assert.deepEqual(actions, ['device.removed', 'device.wipe.cancelled', 'device.wipe.requested']);
    });
  });

  it('a configuration mistake is one line naming the variable, exit 2', async () => {
    fails(await hearthInProcess({ HEARTH_DATA_DIR: data, HEARTH_HTTP: 'not-a-port' }, 'domain', 'list'), 2, /HEARTH_HTTP: .*'not-a-port'/);
  });

  it('--help is printed on stdout with exit 0; no command is a usage mistake (exit 2)', async () => {
    const help = await run('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage: hearth/);
    assert.equal((await run()).code, 2);
  });
});

// The real binary path, spawned one at a time with a generous cap: exit status, stdout and
// stderr of an actual process (what an operator's script sees).
describe('hearth CLI (spawned process)', { timeout: 300_000 }, () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'hearth-cli-spawn-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a command succeeds with exit 0 and its output on stdout', async () => {
    assert.equal(ok(await hearth(dir, { HEARTH_DATA_DIR: join(dir, 'data') }, 'domain', 'add', 'spawned.example')), 'added domain spawned.example\n');
  });

  it('a configuration mistake is one line on stderr naming the variable, exit 2', async () => {
    fails(await hearth(dir, { HEARTH_DATA_DIR: join(dir, 'data'), HEARTH_HTTP: 'not-a-port' }, 'domain', 'list'), 2, /HEARTH_HTTP: .*'not-a-port'/);
  });
});
