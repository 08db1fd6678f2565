/**
 * The policy pipeline's decisions that the SMTP tests cannot reach on a server without an
 * outbound queue (mail to other domains is refused at RCPT there): the footer on mail leaving the
 * domain, footer before signature, and settings that turn checks off.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import { MailPolicies, type PolicyMessage } from '../../../src/mail/policies.js';
import { DEFAULT_MAIL_POLICY } from '../../../src/mail/policy-settings.js';
import { dkimDnsRecord, ensureDkimKey } from '../../../src/mail/dkim-keys.js';
import { fakeResolver } from '../../helpers/fake-dns.js';
import { parseMessage } from '../../../src/mail/parse.js';

describe('mail policy pipeline', () => {
  let dir: string;
  let store: Store;
  const warnings: string[] = [];
  const log = {
    info() {},
    warn(_o: object, msg: string) {
      warnings.push(msg);
    },
  };
  const policies = (verifyInbound = true) =>
    new MailPolicies({
      store,
      outbound: { send: async () => ({ queueId: null }) },
      resolver: fakeResolver({}),
      hostname: 'mx.acme.test',
      settings: { ...DEFAULT_MAIL_POLICY, verifyInbound },
      log,
    });
  const submitted = async (to: string[]): Promise<PolicyMessage> => ({
    bytes: await new MailComposer({ from: 'ann@acme.test', to, subject: 's', text: 'body' }).compile().build(),
    mailFrom: 'ann@acme.test',
    rcptTo: to,
    remoteAddress: '127.0.0.1',
    helo: 'c',
    authenticatedAs: 'ann@acme.test',
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-policies-'));
    store = await openStore(undefined, dir);
    const d = await store.createDomain({ name: 'acme.test' });
    await store.updateDomain(d.id, { footerText: 'Acme disclaimer' });
    await store.createAccount({ domainId: d.id, email: 'ann@acme.test' });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('foots mail with a recipient outside the domain, not mail within it', async () => {
    const out = await policies().beforeDelivery(await submitted(['x@example.net', 'bob@acme.test']));
    assert.match((await simpleParser(out.bytes)).text!, /body\n\nAcme disclaimer/);
    const inside = await submitted(['bob@acme.test']);
    assert.ok((await policies().beforeDelivery(inside)).bytes.equals(inside.bytes));
  });

  it('signs after the footer, so the signature covers it', async () => {
    const d = (await store.getDomain('acme.test'))!;
    const { key } = await ensureDkimKey(store, d);
    const record = dkimDnsRecord('acme.test', key);
    const out = await policies().beforeDelivery(await submitted(['x@example.net']));
    const res = await dkimVerify(out.bytes, { resolver: fakeResolver({ [record.name]: { TXT: [record.value] } }) as never });
    assert.equal(res.results[0].status.result, 'pass');
    assert.match(out.bytes.toString(), /Acme disclaimer/);
  });

  it('an unusable key leaves the mail unsigned with a warning, never refuses it', async () => {
    const d = await store.createDomain({ name: 'broken.test' });
    await store.addDkimKey({ domainId: d.id, selector: 's', privateKey: 'not a key', publicKey: 'x' });
    const raw = await new MailComposer({ from: 'eve@broken.test', to: 'x@example.net', subject: 's', text: 'b' }).compile().build();
    const out = await policies().beforeDelivery({
      bytes: raw,
      mailFrom: 'eve@broken.test',
      rcptTo: ['x@example.net'],
      remoteAddress: '127.0.0.1',
      helo: 'c',
      authenticatedAs: 'eve@broken.test',
    });
    assert.ok(out.bytes.equals(raw));
    assert.ok(warnings.includes('mail.dkim.sign-failed'));
  });

  it('verifyInbound off: MX mail passes unchanged', async () => {
    const raw = Buffer.from('From: a@example.net\r\nSubject: x\r\n\r\nbody\r\n');
    const out = await policies(false).beforeDelivery({
      bytes: raw,
      mailFrom: 'a@example.net',
      rcptTo: ['ann@acme.test'],
      remoteAddress: '192.0.2.1',
      helo: 'h',
      authenticatedAs: null,
    });
    assert.deepEqual([out.verdict, out.bytes.equals(raw)], ['deliver', true]);
  });

  it('out of office answers delivered mail, never mail sent to Junk (no backscatter to forged senders)', async () => {
    const sent: string[][] = [];
    const p = new MailPolicies({
      store,
      outbound: {
        send: async (m) => {
          sent.push(m.recipients);
          return { queueId: null };
        },
      },
      resolver: fakeResolver({}),
      hostname: 'mx.acme.test',
      settings: DEFAULT_MAIL_POLICY,
      log,
    });
    const d = (await store.getDomain('acme.test'))!;
    const away = await store.createAccount({ domainId: d.id, email: 'away@acme.test' });
    await store.setSetting(away.id, 'oof', {
      state: 1,
      start: null,
      end: null,
      internal: null,
      externalKnown: null,
      externalUnknown: { enabled: true, message: 'Away', bodyType: 'Text' },
    });
    const msg = async (from: string): Promise<PolicyMessage> => ({
      bytes: await new MailComposer({ from, to: 'away@acme.test', subject: 's', text: 'b' }).compile().build(),
      mailFrom: from,
      rcptTo: ['away@acme.test'],
      remoteAddress: '192.0.2.1',
      helo: 'h',
      authenticatedAs: null,
    });
    const forged = await msg('ceo@bank.example');
    await p.afterDelivery(forged, 'junk', [{ address: away.email, accountId: away.id }], await parseMessage(forged.bytes));
    assert.deepEqual(sent, []);
    const real = await msg('friend@example.net');
    await p.afterDelivery(real, 'deliver', [{ address: away.email, accountId: away.id }], await parseMessage(real.bytes));
    assert.deepEqual(sent, [['friend@example.net']]);
  });
});
