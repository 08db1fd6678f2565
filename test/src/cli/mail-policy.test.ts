/**
 * `hearth domain dkim` and `hearth domain footer`, in-process: the printed DNS record is what a
 * verifier needs (a message signed on the submission path verifies with mailauth against a DNS
 * serving exactly that record), the private key is never printed, footers are stored and shown.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { openStore } from '../../../src/store/open.js';
import { MailPolicies } from '../../../src/mail/policies.js';
import { DEFAULT_MAIL_POLICY } from '../../../src/mail/policy-settings.js';
import { fakeResolver } from '../../helpers/fake-dns.js';
import { fails, hearthInProcess, ok } from './helpers.js';

const silent = { info() {}, warn() {} };

describe('hearth domain dkim / footer', () => {
  let dir: string;
  let env: Record<string, string>;
  const run = (...args: string[]) => hearthInProcess(env, ...args);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-policy-cli-'));
    env = { HEARTH_DATA_DIR: join(dir, 'data') };
    ok(await run('domain', 'add', 'sign.test'));
    ok(await run('domain', 'add', 'foot.test'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a key once, prints its record (never the private key), and a message signed on submission verifies against it', async () => {
    const first = ok(await run('domain', 'dkim', 'sign.test'));
    assert.match(first, /^DKIM key of sign\.test: selector hearth\d{8}, RSA 2048, created now$/m);
    assert.doesNotMatch(first, /PRIVATE|BEGIN/);
    const name = /^name: +(\S+)$/m.exec(first)![1];
    const value = /^value: (.+)$/m.exec(first)![1];
    assert.match(name, /^hearth\d{8}\._domainkey\.sign\.test$/);
    assert.match(value, /^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]{300,}$/);
    // The zone-file form splits the value into strings of at most 255 characters (RFC 1035 §3.3.14).
    const zone = /^zone: +(.+)$/m.exec(first)![1];
    const strings = [...zone.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    assert.ok(strings.every((s) => s.length <= 255));
    assert.equal(strings.join(''), value);

    const again = ok(await run('domain', 'dkim', 'sign.test'));
    assert.match(again, /created \d{4}-\d\d-\d\dT/);
    assert.equal(/^value: (.+)$/m.exec(again)![1], value);

    const store = await openStore(undefined, env.HEARTH_DATA_DIR);
    try {
      const policies = new MailPolicies({
        store,
        outbound: { send: async () => ({ queueId: null }) },
        resolver: fakeResolver({}),
        hostname: 'mx.sign.test',
        settings: DEFAULT_MAIL_POLICY,
        log: silent,
      });
      const raw = await new MailComposer({ from: 'ann@sign.test', to: 'x@example.net', subject: 'signed', text: 'hello\n' })
        .compile()
        .build();
      const signed = await policies.beforeDelivery({
        bytes: raw,
        mailFrom: 'ann@sign.test',
        rcptTo: ['x@example.net'],
        remoteAddress: '127.0.0.1',
        helo: 'c',
        authenticatedAs: 'ann@sign.test',
      });
      const verified = await dkimVerify(signed.bytes, { resolver: fakeResolver({ [name]: { TXT: [value] } }) as never });
      assert.equal(verified.results[0].status.result, 'pass');
      assert.equal(verified.results[0].signingDomain, 'sign.test');
      // Another domain's record does not verify it.
      const wrong = await dkimVerify(signed.bytes, {
        resolver: fakeResolver({ [name]: { TXT: ['v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA'] } }) as never,
      });
      assert.notEqual(wrong.results[0].status.result, 'pass');
    } finally {
      await store.close();
    }
  });

  it('refuses an unknown domain with one line', async () => {
    fails(await run('domain', 'dkim', 'nope.test'), 2, /unknown domain nope\.test/);
    fails(await run('domain', 'footer', 'nope.test'), 2, /unknown domain nope\.test/);
  });

  it('sets, shows and clears a footer from files', async () => {
    const text = join(dir, 'footer.txt');
    const html = join(dir, 'footer.html');
    writeFileSync(text, 'Foot Ltd\nRegistered in Wales\n');
    writeFileSync(html, '<p>Foot Ltd</p>\n');
    assert.match(ok(await run('domain', 'footer', 'foot.test')), /^foot\.test has no footer$/m);
    assert.match(ok(await run('domain', 'footer', 'foot.test', '--text', text, '--html', html)), /footer of foot\.test set/);
    const shown = ok(await run('domain', 'footer', 'foot.test'));
    assert.match(shown, /^footer of foot\.test: text and html, on mail leaving the domain$/m);
    assert.match(shown, /--- text\nFoot Ltd\nRegistered in Wales\n--- html\n<p>Foot Ltd<\/p>\n$/);
    ok(await run('domain', 'footer', 'foot.test', '--text', text, '--internal-too'));
    assert.match(ok(await run('domain', 'footer', 'foot.test')), /text, on all mail/);
    fails(await run('domain', 'footer', 'foot.test', '--text', join(dir, 'missing.txt')), 2, /--text: cannot read .*ENOENT/);
    writeFileSync(join(dir, 'bad.txt'), Buffer.from([0xff, 0xfe, 0x41]));
    fails(await run('domain', 'footer', 'foot.test', '--text', join(dir, 'bad.txt')), 2, /not UTF-8/);
    ok(await run('domain', 'footer', 'foot.test', '--clear'));
    assert.match(ok(await run('domain', 'footer', 'foot.test')), /has no footer/);
  });
});
