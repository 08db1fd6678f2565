/**
 * Out-of-office decisions (RFC 3834) over a real store (SQLite; the reply log's behaviour on both
 * backends is in the store contract): who is answered, with which message, and the reply itself.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import type { Account, OofSetting } from '../../../src/model/types.js';
import type { OutboundMessage } from '../../../src/mail/outbound.js';
import { answerOutOfOffice, OOF_PERIOD_MS, type OofDeps } from '../../../src/mail/out-of-office.js';
import { parseMessage } from '../../../src/mail/parse.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 3, 9);

describe('out-of-office replies', () => {
  let dir: string;
  let store: Store;
  let sent: OutboundMessage[];
  let seq = 0;
  let clock = NOW;
  const deps = (): OofDeps => ({
    store,
    outbound: {
      send: async (m) => {
        sent.push(m);
        return { queueId: 'q1' };
      },
    },
    now: () => clock,
    periodMs: OOF_PERIOD_MS,
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hearth-oof-'));
    store = await openStore(undefined, dir);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const away: OofSetting = {
    state: 1,
    start: null,
    end: null,
    internal: { enabled: true, message: 'Away (colleagues: ask Bob)', bodyType: 'Text' },
    externalKnown: { enabled: true, message: 'Away until Monday, dear contact', bodyType: 'Text' },
    externalUnknown: { enabled: true, message: '<p>Away until <b>Monday</b></p>', bodyType: 'HTML' },
  };

  async function user(oof: OofSetting | null = away): Promise<Account> {
    const d = await store.createDomain({ name: `oof${++seq}.test` });
    const a = await store.createAccount({ domainId: d.id, email: `ann@${d.name}`, displayName: 'Ann Example' });
    if (oof) await store.setSetting(a.id, 'oof', oof);
    return a;
  }

  async function answer(
    account: Account,
    opts: { from?: string; mailFrom?: string | null; to?: string; cc?: string; headers?: Record<string, string> } = {},
  ) {
    sent = [];
    const from = opts.from ?? 'zed@example.net';
    const raw = await new MailComposer({
      from,
      to: opts.to ?? account.email,
      ...(opts.cc ? { cc: opts.cc } : {}),
      subject: 'Meeting',
      text: 'Shall we meet?',
      messageId: `<m${++seq}@example.net>`,
      references: '<root@example.net>',
      headers: opts.headers ?? {},
    })
      .compile()
      .build();
    const mailFrom = opts.mailFrom === undefined ? from : opts.mailFrom;
    return answerOutOfOffice(deps(), { account, raw, parsed: await parseMessage(raw), mailFrom });
  }

  it('answers an external sender once, with an RFC 3834 reply from the null sender', async () => {
    const a = await user();
    assert.equal(await answer(a), 'sent');
    assert.equal(sent.length, 1);
    const [m] = sent;
    assert.equal(m.mailFrom, '');
    assert.deepEqual(m.recipients, ['zed@example.net']);
    const reply = await simpleParser(m.bytes);
    assert.equal(reply.headers.get('auto-submitted'), 'auto-replied');
    assert.equal(reply.subject, 'Auto: Meeting');
    assert.equal(reply.inReplyTo, `<m${seq}@example.net>`);
    assert.deepEqual(reply.references, ['<root@example.net>', `<m${seq}@example.net>`]);
    assert.equal(reply.from?.value[0].address, a.email);
    assert.match(reply.html as string, /Away until <b>Monday<\/b>/);
    assert.match(reply.text!, /Away until MONDAY|Away until Monday/);
    // The same sender within 7 days: no second reply; after 7 days: one again.
    assert.equal(await answer(a), 'already-answered');
    clock = NOW + 7 * DAY + 1;
    try {
      assert.equal(await answer(a), 'sent');
    } finally {
      clock = NOW;
    }
  });

  it('never answers the null sender, lists, automatic mail or robots', async () => {
    const a = await user();
    assert.equal(await answer(a, { mailFrom: '' }), 'null-sender');
    assert.equal(await answer(a, { mailFrom: null }), 'null-sender');
    assert.equal(await answer(a, { headers: { 'List-Id': '<dev.lists.example.net>' } }), 'list');
    assert.equal(await answer(a, { headers: { 'List-Unsubscribe': '<mailto:leave@example.net>' } }), 'list');
    assert.equal(await answer(a, { headers: { Precedence: 'bulk' } }), 'list');
    assert.equal(await answer(a, { headers: { Precedence: 'junk' } }), 'list');
    assert.equal(await answer(a, { headers: { 'Auto-Submitted': 'auto-replied' } }), 'automatic');
    assert.equal(await answer(a, { headers: { 'Auto-Submitted': 'auto-generated' } }), 'automatic');
    assert.equal(await answer(a, { headers: { 'X-Auto-Response-Suppress': 'OOF, AutoReply' } }), 'automatic');
    for (const robot of [
      'MAILER-DAEMON@example.net',
      'noreply@example.net',
      'no-reply@example.net',
      'owner-dev@example.net',
      'dev-request@example.net',
    ]) {
      assert.equal(await answer(a, { from: robot }), 'robot-sender', robot);
    }
    assert.equal(sent.length, 0);
    // Auto-Submitted: no is a person's mail (RFC 3834 §5.1).
    assert.equal(await answer(a, { headers: { 'Auto-Submitted': 'no' } }), 'sent');
  });

  it('answers only when the user is in To or Cc (not Bcc, not a list it reached through)', async () => {
    const a = await user();
    assert.equal(await answer(a, { to: 'everyone@example.net' }), 'not-addressed');
    assert.equal(await answer(a, { to: 'everyone@example.net', cc: `Ann <${a.email.toUpperCase()}>` }), 'sent');
    // An alias that delivers to the user alone counts as the user's address; a group alias does not.
    const domain = a.email.split('@')[1];
    await store.setAlias(`ann.example@${domain}`, [a.email]);
    await store.setAlias(`team@${domain}`, [a.email, `bob@${domain}`]);
    assert.equal(await answer(a, { from: 'yan@example.net', to: `ann.example@${domain}` }), 'sent');
    assert.equal(await answer(a, { from: 'xi@example.net', to: `team@${domain}` }), 'not-addressed');
  });

  it('chooses the internal, known-contact or unknown message by audience', async () => {
    const a = await user();
    const domain = a.email.split('@')[1];
    assert.equal(await answer(a, { from: `bob@${domain}` }), 'sent');
    assert.match((await simpleParser(sent[0].bytes)).text!, /colleagues: ask Bob/);
    const contacts =
      (await store.listFolders(a.id, 'contacts'))[0] ??
      (await store.createFolder({ accountId: a.id, parentId: null, name: 'Contacts', kind: 'contacts' }));
    await store.createItem({
      folderId: contacts.id,
      name: 'c1.vcf',
      uid: 'c1',
      contentType: 'text/vcard',
      content: 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kim\r\nEMAIL;TYPE=INTERNET:kim@partner.example\r\nEND:VCARD\r\n',
    });
    assert.equal(await answer(a, { from: 'kim@partner.example' }), 'sent');
    assert.match((await simpleParser(sent[0].bytes)).text!, /dear contact/);
    assert.equal(await answer(a, { from: 'im@partner.example' }), 'sent');
    assert.doesNotMatch((await simpleParser(sent[0].bytes)).text!, /dear contact/);
  });

  it('follows the state: off, scheduled inside and outside its window, audience disabled, own mail', async () => {
    assert.equal(await answer(await user(null)), 'off');
    assert.equal(await answer(await user({ ...away, state: 0 })), 'off');
    assert.equal(await answer(await user({ ...away, state: 2, start: NOW + DAY, end: NOW + 2 * DAY })), 'off');
    assert.equal(await answer(await user({ ...away, state: 2, start: NOW - DAY, end: NOW + DAY })), 'sent');
    assert.equal(await answer(await user({ ...away, state: 2, start: NOW - 2 * DAY, end: NOW - DAY })), 'off');
    assert.equal(
      await answer(await user({ ...away, externalKnown: null, externalUnknown: { ...away.externalUnknown!, enabled: false } })),
      'no-message',
    );
    const a = await user();
    assert.equal(await answer(a, { from: a.email }), 'self');
  });
});
