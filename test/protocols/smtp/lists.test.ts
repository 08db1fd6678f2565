/**
 * Mailing lists at the wire (SQLite; the list store contract runs on both backends): nodemailer
 * and swaks post to a list, the posting policy answers at RCPT, every member's inbox gets the
 * list's copy, LIST-owner reaches the owners, and resolution knows lists (src/mail/recipients.ts).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { startHarness, type SmtpHarness } from './harness.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';
import { deliveryExtras } from '../../../src/server/mail-filters.js';
import { localOutbound } from '../../../src/server/local-outbound.js';
import { resolveRecipient } from '../../../src/mail/recipients.js';
import { hasSwaks } from '../../helpers/filter-daemons.js';

const PW = 'List-pass-1234';

describe('mailing lists over SMTP', () => {
  let h: SmtpHarness;
  before(async () => {
    const holder: { d?: ReturnType<typeof storeDelivery> } = {};
    h = await startHarness({ delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) } });
    const log = pino({ level: 'silent' });
    holder.d = storeDelivery(h.store, log, deliveryExtras(h.config, h.store, localOutbound(h.store, log)));
    for (const u of ['ann', 'bob', 'olga', 'sam']) await h.addUser(`${u}@example.test`, PW);
    const team = await h.store.createList({ address: 'team@example.test', name: 'The Team', subjectPrefix: '[team]', replyTo: 'list' });
    for (const m of ['ann@example.test', 'bob@example.test']) await h.store.addListMember(team.id, m);
    await h.store.addListMember(team.id, 'olga@example.test', 'owner');
    const news = await h.store.createList({ address: 'news@example.test', posting: 'owners' });
    await h.store.addListMember(news.id, 'olga@example.test', 'owner');
    await h.store.addListMember(news.id, 'sam@example.test');
  });
  after(async () => {
    await h?.close();
  });

  const inbox = async (email: string, tag: string) => {
    const a = (await h.store.getAccount(email))!;
    const folder = (await h.store.findFolderByRole(a.id, 'inbox'))!;
    const out: string[] = [];
    for (const m of await h.store.listMessages(folder.id))
      if (m.parsed.subject?.includes(tag)) out.push((await h.store.readMessageBytes(m.itemId))!.toString());
    return out;
  };
  const mx = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true, name: 'sender.example.net' });

  test('resolution: a list address is a list; LIST-owner is its owners; -owner of no list is unknown', async () => {
    const r = await resolveRecipient(h.store, 'Team@Example.test');
    assert.ok(r.kind === 'list' && r.list.address === 'team@example.test');
    const o = await resolveRecipient(h.store, 'team-owner@example.test');
    assert.ok(o.kind === 'local');
    assert.deepEqual(o.kind === 'local' ? o.mailboxes.map((m) => m.email) : [], ['olga@example.test']);
    assert.equal((await resolveRecipient(h.store, 'nolist-owner@example.test')).kind, 'unknown');
  });

  test('a member posts: every member gets the list copy (prefix, List-Id, Reply-To the list)', async () => {
    const t = mx();
    const info = await t.sendMail({ from: 'ann@example.test', to: 'team@example.test', subject: 'post-one', text: 'Lunch at noon?' });
    t.close();
    assert.match(info.response, /^250 /);
    for (const who of ['ann', 'bob', 'olga']) {
      const [copy] = await inbox(`${who}@example.test`, 'post-one');
      assert.ok(copy, `${who} got it`);
      const head = copy.split('\r\n\r\n')[0];
      assert.match(head, /^Subject: \[team\] post-one$/m);
      assert.match(head, /^List-Id: The Team <team\.example\.test>$/m);
      assert.match(head, /^Reply-To: <team@example\.test>$/m);
      assert.match(head, /^Precedence: list$/m);
    }
    assert.deepEqual(await inbox('sam@example.test', 'post-one'), []);
  });

  test('a list and a person in one transaction: the person gets the original, the list its copy', async () => {
    const t = mx();
    await t.sendMail({ from: 'bob@example.test', to: ['team@example.test', 'sam@example.test'], subject: 'post-two', text: 'hi' });
    t.close();
    const [samCopy] = await inbox('sam@example.test', 'post-two');
    assert.doesNotMatch(samCopy.split('\r\n\r\n')[0], /^List-Id:/m);
    assert.match((await inbox('ann@example.test', 'post-two'))[0] ?? '', /^List-Id: /m);
  });

  test('posting policy at RCPT: a stranger and the null sender get 550 5.7.1; an announcement list takes only its owners', async () => {
    const t = mx();
    for (const [from, to] of [
      ['stranger@example.net', 'team@example.test'],
      ['sam@example.test', 'news@example.test'],
    ]) {
      await assert.rejects(
        t.sendMail({ from, to, subject: 'refused-post', text: 'x' }),
        (e: { responseCode?: number; response?: string }) => e.responseCode === 550 && /5\.7\.1/.test(e.response ?? ''),
      );
    }
    await assert.rejects(
      t.sendMail({ envelope: { from: '', to: ['team@example.test'] }, raw: 'Subject: refused-post\r\n\r\nbounce\r\n' }),
      (e: { responseCode?: number }) => e.responseCode === 550,
    );
    await t.sendMail({ from: 'olga@example.test', to: 'news@example.test', subject: 'announcement', text: 'news' });
    t.close();
    assert.equal((await inbox('sam@example.test', 'announcement')).length, 1);
    assert.match((await inbox('sam@example.test', 'announcement'))[0], /^List-Post: NO$/m);
    assert.deepEqual(await inbox('bob@example.test', 'refused-post'), []);
  });

  test('a post that already went through the list is accepted and dropped (no loop)', async () => {
    const t = mx();
    await t.sendMail({
      from: 'ann@example.test',
      to: 'team@example.test',
      subject: 'looped',
      text: 'x',
      headers: { 'List-Id': 'The Team <team.example.test>' },
    });
    t.close();
    assert.deepEqual(await inbox('bob@example.test', 'looped'), []);
  });

  test('swaks posts to the list and writes to LIST-owner', { skip: hasSwaks ? false : 'swaks is not installed' }, async () => {
    const out = await swaks([
      '--port',
      String(h.mx),
      '--from',
      'bob@example.test',
      '--to',
      'team@example.test',
      '--header',
      'Subject: swaks-post',
    ]);
    assert.match(out, /<- +250 /);
    assert.equal((await inbox('ann@example.test', 'swaks-post')).length, 1);
    await swaks([
      '--port',
      String(h.mx),
      '--from',
      'x@example.net',
      '--to',
      'team-owner@example.test',
      '--header',
      'Subject: to-the-owner',
    ]);
    assert.equal((await inbox('olga@example.test', 'to-the-owner')).length, 1);
    assert.deepEqual(await inbox('ann@example.test', 'to-the-owner'), []);
  });
});

function swaks(args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('swaks', ['--server', '127.0.0.1', '--helo', 'client.example.net', '--timeout', '120', ...args]);
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
    });
    p.stderr.on('data', (d) => {
      out += d;
    });
    p.on('close', () => resolve(out));
  });
}
