/**
 * Mailing lists at the wire (SQLite; the list store contract runs on both backends), with swaks
 * and nodemailer against the MX listener and the real outbound queue (src/mail/queue/outbound.ts):
 * posting policies at RCPT, the list copy in every member's inbox, LIST-owner to the owners,
 * subscribe and unsubscribe confirmed by reply, moderated and closed subscription, held posts
 * approved by reply and by `hearth list approve`, rejected, the help address, bounces counted.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import nodemailer from 'nodemailer';
import { simpleParser, type ParsedMail } from 'mailparser';
import pino from 'pino';
import { startHarness, type SmtpHarness } from './harness.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';
import { oneClickOf } from '../../../src/mail/lists/one-click.js';
import { deliveryExtras } from '../../../src/server/mail-filters.js';
import { QueueOutbound } from '../../../src/mail/queue/outbound.js';
import { resolveRecipient } from '../../../src/mail/recipients.js';
import { hasSwaks } from '../../helpers/filter-daemons.js';
import { hearthInProcess, ok } from '../../src/cli/helpers.js';

const PW = 'List-pass-1234';

describe('mailing lists over SMTP', () => {
  let h: SmtpHarness;
  before(async () => {
    const holder: { d?: ReturnType<typeof storeDelivery> } = {};
    h = await startHarness({ delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) } });
    const log = pino({ level: 'silent' });
    const outbound = new QueueOutbound({ store: h.store, settings: h.config.queue, hostname: h.config.hostname, log, now: Date.now });
    holder.d = storeDelivery(h.store, log, { ...deliveryExtras(h.config, h.store, outbound), oneClick: await oneClickOf(h.store, h.ctx.settings.publicUrl) });
    for (const u of ['ann', 'bob', 'olga', 'sam', 'vic', 'pat', 'tom']) await h.addUser(`${u}@example.test`, PW);
    const team = await h.store.createList({ address: 'team@example.test', name: 'The Team', subjectPrefix: '[team]', replyTo: 'list', description: 'Where the team talks.' });
    for (const m of ['ann@example.test', 'bob@example.test']) await h.store.addListMember(team.id, m);
    await h.store.addListMember(team.id, 'olga@example.test', 'owner');
    await h.store.addListMember(team.id, 'zed@elsewhere.example');
    const news = await h.store.createList({ address: 'news@example.test', posting: 'owners', subscription: 'closed' });
    await h.store.addListMember(news.id, 'olga@example.test', 'owner');
    await h.store.addListMember(news.id, 'sam@example.test');
    const club = await h.store.createList({ address: 'club@example.test', subscription: 'moderated' });
    await h.store.addListMember(club.id, 'olga@example.test', 'moderator');
    const mod = await h.store.createList({ address: 'mod@example.test', nonMemberPosts: 'moderate' });
    await h.store.addListMember(mod.id, 'ann@example.test');
    await h.store.addListMember(mod.id, 'olga@example.test', 'moderator');
  });
  after(async () => {
    await h?.close();
  });

  /** The messages in a user's inbox whose subject includes `tag`, parsed, with their raw header. */
  const inbox = async (email: string, tag: string): Promise<(ParsedMail & { head: string; raw: string })[]> => {
    const a = (await h.store.getAccount(email))!;
    const folder = (await h.store.findFolderByRole(a.id, 'inbox'))!;
    const out: (ParsedMail & { head: string; raw: string })[] = [];
    for (const m of await h.store.listMessages(folder.id))
      if (m.parsed.subject?.includes(tag)) {
        const raw = (await h.store.readMessageBytes(m.itemId))!;
        out.push(Object.assign(await simpleParser(raw), { head: raw.toString().split('\r\n\r\n')[0], raw: raw.toString() }));
      }
    return out;
  };
  const replyToOf = (m: ParsedMail) => m.replyTo?.value[0]?.address ?? '';
  const mx = () => nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true, name: 'sender.example.net' });
  const send = async (from: string, to: string, subject: string, text = 'x') => {
    const t = mx();
    try {
      return await t.sendMail({ from, to, subject, text });
    } finally {
      t.close();
    }
  };
  const refused = (e: { responseCode?: number; response?: string }) => e.responseCode === 550 && /5\.7\.1/.test(e.response ?? '');
  const members = async (list: string) => (await h.store.listListMembers((await h.store.getList(list))!.id)).map((m) => m.address);
  const cli = (...args: string[]) => hearthInProcess({ HEARTH_DATA_DIR: h.dataDir }, ...args);

  test('resolution: a list address and its command addresses are the list; LIST-owner is its owners; -owner of no list is unknown', async () => {
    const r = await resolveRecipient(h.store, 'Team@Example.test');
    assert.ok(r.kind === 'list' && r.list.address === 'team@example.test' && r.list.endpoint === 'post');
    const req = await resolveRecipient(h.store, 'team-request@example.test');
    assert.ok(req.kind === 'list' && req.list.endpoint === 'request');
    const o = await resolveRecipient(h.store, 'team-owner@example.test');
    assert.deepEqual(o.kind === 'local' ? o.mailboxes.map((m) => m.email) : [], ['olga@example.test']);
    assert.equal((await resolveRecipient(h.store, 'nolist-owner@example.test')).kind, 'unknown');
  });

  test('a member posts: every member gets the list copy (prefix, List-Id, List-* to the command addresses, Reply-To the list)', async () => {
    const info = await send('ann@example.test', 'team@example.test', 'post-one', 'Lunch at noon?');
    assert.match(info.response, /^250 /);
    for (const who of ['ann', 'bob', 'olga']) {
      const [copy] = await inbox(`${who}@example.test`, 'post-one');
      assert.ok(copy, `${who} got it`);
      assert.match(copy.head, /^Subject: \[team\] post-one$/m);
      assert.match(copy.head, /^List-Id: The Team <team\.example\.test>$/m);
      assert.match(copy.head, /^Reply-To: <team@example\.test>$/m);
      assert.match(copy.head, /^List-Subscribe: <mailto:team-subscribe@example\.test>$/m);
      assert.match(copy.head, /^List-Unsubscribe: <mailto:team-unsubscribe@example\.test>$/m);
      assert.match(copy.head, /^List-Help: <mailto:team-request@example\.test\?subject=help>$/m);
      assert.match(copy.head, /^Precedence: list$/m);
    }
    assert.deepEqual(await inbox('sam@example.test', 'post-one'), []);
    // The remote member's copy waits in the queue with its own VERP sender.
    const queued = await h.store.listQueue();
    const zed = queued.find((q) => q.mailFrom === 'team-bounces+zed=elsewhere.example@example.test');
    assert.ok(zed, JSON.stringify(queued));
    // ... with its own one-click unsubscribe link (RFC 8058), which the local copies do not carry.
    const zedCopy = (await h.store.getBlob(zed.blobHash))!.toString('utf8');
    assert.match(zedCopy, /^List-Unsubscribe: <https:\/\/[^>\s]+\/lists\/unsubscribe\/[^>\s]+>, <mailto:team-unsubscribe@example\.test>$/m);
    assert.match(zedCopy, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
  });

  test('posting policy at RCPT: a stranger and the null sender get 550 5.7.1; an announcement list takes only its owners', async () => {
    await assert.rejects(send('stranger@example.net', 'team@example.test', 'refused-post'), refused);
    await assert.rejects(send('sam@example.test', 'news@example.test', 'refused-post'), refused);
    const t = mx();
    await assert.rejects(
      t.sendMail({ envelope: { from: '', to: ['team@example.test'] }, raw: 'Subject: refused-post\r\n\r\nbounce\r\n' }),
      (e: { responseCode?: number }) => e.responseCode === 550,
    );
    t.close();
    await send('olga@example.test', 'news@example.test', 'announcement', 'news');
    const [copy] = await inbox('sam@example.test', 'announcement');
    assert.match(copy.head, /^List-Post: NO$/m);
    assert.deepEqual(await inbox('bob@example.test', 'refused-post'), []);
  });

  test('a post that already went through the list is accepted and dropped (no loop)', async () => {
    const t = mx();
    await t.sendMail({ from: 'ann@example.test', to: 'team@example.test', subject: 'looped', text: 'x', headers: { 'List-Id': 'The Team <team.example.test>' } });
    t.close();
    assert.deepEqual(await inbox('bob@example.test', 'looped'), []);
  });

  test('subscribe (swaks), confirmed by replying: nothing before the reply; a wrong token is refused at RCPT', { skip: hasSwaks ? false : 'swaks is not installed' }, async () => {
    const out = await swaks(['--port', String(h.mx), '--from', 'sam@example.test', '--to', 'team-subscribe@example.test', '--header', 'Subject: please']);
    assert.match(out, /<- +250 /);
    const [c] = await inbox('sam@example.test', 'confirm ');
    assert.ok(c, 'a confirmation came');
    const token = /confirm ([0-9a-f]{32})/.exec(c.subject ?? '')![1];
    assert.equal(replyToOf(c), `team-confirm+${token}@example.test`);
    assert.equal(c.from?.value[0]?.address, 'team-request@example.test');
    assert.match(c.head, /^Auto-Submitted: auto-replied$/m);
    assert.ok(!(await members('team@example.test')).includes('sam@example.test'), 'not subscribed before the reply');
    const wrong = `team-confirm+${token.slice(0, 8)}${'0'.repeat(24)}@example.test`;
    const bad = await swaks(['--port', String(h.mx), '--from', 'sam@example.test', '--to', wrong]);
    assert.match(bad, /<\*\* 550 5\.7\.1/);
    // The reply, as a mail client writes it.
    await send('sam@example.test', replyToOf(c), `Re: ${c.subject}`, '> Someone, probably you...');
    assert.ok((await members('team@example.test')).includes('sam@example.test'));
    const [welcome] = await inbox('sam@example.test', 'Welcome to team@example.test');
    assert.match(welcome.text ?? '', /Where the team talks\./);
    // Used once: the same address is refused now.
    await assert.rejects(send('sam@example.test', replyToOf(c), 'again'), refused);
  });

  test('no subscription bombing: at most 3 confirmations a day for one address', async () => {
    for (let i = 0; i < 5; i++) await send('vic@example.test', 'team-subscribe@example.test', `bomb ${i}`);
    assert.equal((await inbox('vic@example.test', 'confirm ')).length, 3);
    assert.ok(!(await members('team@example.test')).includes('vic@example.test'));
  });

  test('unsubscribe through LIST-request, confirmed by writing to the token address', async () => {
    await send('bob@example.test', 'team-request@example.test', 'unsubscribe');
    const [c] = await inbox('bob@example.test', 'confirm ');
    assert.ok((await members('team@example.test')).includes('bob@example.test'));
    await send('bob@example.test', replyToOf(c), 'ok');
    assert.ok(!(await members('team@example.test')).includes('bob@example.test'));
    assert.equal((await inbox('bob@example.test', 'You have left team@example.test')).length, 1);
  });

  test('moderated subscription: confirmed by the subscriber, then approved by a moderator by reply', async () => {
    await send('pat@example.test', 'club-subscribe@example.test', 'join');
    const [c] = await inbox('pat@example.test', 'confirm ');
    await send('pat@example.test', replyToOf(c), `Re: ${c.subject}`);
    assert.deepEqual(await members('club@example.test'), ['olga@example.test'], 'not yet: a moderator decides');
    assert.equal((await inbox('pat@example.test', 'awaits approval')).length, 1);
    const [notice] = await inbox('olga@example.test', 'Subscription request: pat@example.test');
    assert.match(notice.text ?? '', /To reject it, write to club-confirm\+[0-9a-f]{32}@example\.test/);
    await send('olga@example.test', replyToOf(notice), `Re: ${notice.subject}`);
    assert.ok((await members('club@example.test')).includes('pat@example.test'));
    assert.equal((await inbox('pat@example.test', 'Welcome to club@example.test')).length, 1);
  });

  test('closed subscription: refused with a clear reply, nobody subscribed', async () => {
    await send('tom@example.test', 'news-subscribe@example.test', 'join');
    const [r] = await inbox('tom@example.test', 'Subscription to news@example.test is closed');
    assert.ok(r);
    assert.match(r.head, /^Auto-Submitted: auto-replied$/m);
    assert.ok(!(await members('news@example.test')).includes('tom@example.test'));
  });

  test('held posts: a non-member post is held, approved by reply, approved by `hearth list approve`, rejected by token', async () => {
    await send('sam@example.test', 'mod@example.test', 'held-one');
    assert.deepEqual(await inbox('ann@example.test', 'held-one'), [], 'held, not sent');
    const [notice] = await inbox('olga@example.test', 'Held for moderation');
    assert.match(notice.subject ?? '', /held-one|post \d+/);
    // The held post goes along as message/rfc822 (RFC 2046 §5.2.1), for the moderator to read.
    assert.match(notice.raw, /^Content-Type: message\/rfc822/m);
    assert.match(notice.raw, /^Subject: held-one$/m);
    assert.match(ok(await cli('list', 'held', 'mod@example.test')), /\tsam@example\.test\t\d+\theld-one\n$/);
    await send('olga@example.test', replyToOf(notice), `Re: ${notice.subject}`);
    assert.equal((await inbox('ann@example.test', 'held-one')).length, 1, 'approved by reply');
    assert.equal(ok(await cli('list', 'held', 'mod@example.test')), '');

    await send('sam@example.test', 'mod@example.test', 'held-two');
    const id = ok(await cli('list', 'held', 'mod@example.test')).split('\t')[0];
    assert.equal(ok(await cli('list', 'approve', 'mod@example.test', id)), `approved post ${id} to mod@example.test\n`);
    assert.equal((await inbox('ann@example.test', 'held-two')).length, 1, 'approved by the CLI');
    // The moderator's notice for it is now stale: its token address is refused.
    const [stale] = (await inbox('olga@example.test', 'Held for moderation')).filter((m) => m.subject?.includes(`post ${id} `));
    await assert.rejects(send('olga@example.test', replyToOf(stale), 'late'), refused);

    await send('sam@example.test', 'mod@example.test', 'held-three');
    const [third] = (await inbox('olga@example.test', 'Held for moderation')).filter((m) => (m.text ?? '').includes('held-three'));
    const reject = /To reject it, write to (\S+)/.exec(third.text ?? '')![1];
    await send('olga@example.test', reject, 'no');
    assert.deepEqual(await inbox('ann@example.test', 'held-three'), []);
    assert.equal((await inbox('sam@example.test', 'Your post to mod@example.test was rejected')).length, 1);
    assert.equal(ok(await cli('list', 'held', 'mod@example.test')), '');
  });

  test('help: LIST-help answers with the description and the commands, from LIST-request', async () => {
    await send('tom@example.test', 'team-help@example.test', 'help me');
    const [r] = await inbox('tom@example.test', 'Help for team@example.test');
    assert.match(r.text ?? '', /Where the team talks\./);
    assert.match(r.text ?? '', /team-subscribe@example\.test/);
    assert.equal(r.from?.value[0]?.address, 'team-request@example.test');
  });

  test('bounces: DSNs to the VERP address count; the member is disabled at the limit; a non-bounce counts nothing', async () => {
    const team = (await h.store.getList('team@example.test'))!;
    await h.store.updateList(team.id, { bounceLimit: 2 });
    const dsn = (n: number) => `Subject: Undelivered ${n}\r\nContent-Type: text/plain\r\n\r\nFinal-Recipient: rfc822; zed@elsewhere.example\r\n`;
    const t = mx();
    await t.sendMail({ envelope: { from: 'someone@example.net', to: ['team-bounces+zed=elsewhere.example@example.test'] }, raw: dsn(0) });
    assert.equal((await h.store.getListMember(team.id, 'zed@elsewhere.example'))?.bounces, 0);
    for (const n of [1, 2]) await t.sendMail({ envelope: { from: '', to: ['team-bounces+zed=elsewhere.example@example.test'] }, raw: dsn(n) });
    t.close();
    const zed = await h.store.getListMember(team.id, 'zed@elsewhere.example');
    assert.deepEqual([zed?.bounces, zed?.disabled], [2, true]);
    assert.match(ok(await cli('list', 'show', 'team@example.test')), /^zed@elsewhere\.example\tmember\tdisabled \(2 bounces\)$/m);
  });

  test('hostile command addresses: malformed tokens and details are refused at RCPT, nothing changes, the listener lives on', async () => {
    const before = JSON.stringify(await members('team@example.test'));
    for (const to of [
      'team-confirm+@example.test',
      'team-confirm+zz@example.test',
      `team-confirm+${'0'.repeat(32)}@example.test`,
      `team-confirm+${'a'.repeat(200)}@example.test`,
      'team-confirm+"x y"@example.test',
      'team-help+x@example.test',
      'nolist-subscribe@example.test',
    ]) {
      await assert.rejects(send('tom@example.test', to, 'hostile'), (e: { responseCode?: number }) => (e.responseCode ?? 0) >= 500 && (e.responseCode ?? 0) < 600, to);
    }
    assert.equal(JSON.stringify(await members('team@example.test')), before);
    assert.match((await send('ann@example.test', 'team@example.test', 'still-alive')).response, /^250 /);
  });

  test('swaks writes to LIST-owner: the owners get it, members do not', { skip: hasSwaks ? false : 'swaks is not installed' }, async () => {
    await swaks(['--port', String(h.mx), '--from', 'x@example.net', '--to', 'team-owner@example.test', '--header', 'Subject: to-the-owner']);
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
