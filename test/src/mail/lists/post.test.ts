/**
 * A list's copy of a post (src/mail/lists/post.ts), its posting policy (policy.ts), its fan-out
 * (distribute.ts), its addresses (addresses.ts), tokens (tokens.ts) and request commands.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { isLoop, listCopy, listIdOf, ownerAddressOf } from '../../../../src/mail/lists/post.js';
import { mayPost } from '../../../../src/mail/lists/policy.js';
import { distributeListPost } from '../../../../src/mail/lists/distribute.js';
import { commandAddress, findListAddress, verpAddress } from '../../../../src/mail/lists/addresses.js';
import { newToken, splitToken, verifierMatches } from '../../../../src/mail/lists/tokens.js';
import { requestCommand } from '../../../../src/mail/lists/requests.js';
import { finalRecipients } from '../../../../src/mail/lists/bounces.js';
import { postingPreset, type ListMember, type ListPosting, type MailingList } from '../../../../src/store/list-store.js';
import type { OutboundMessage } from '../../../../src/mail/outbound.js';

const list = (o: Partial<MailingList> = {}): MailingList => ({
  id: 1,
  domainId: 1,
  address: 'team@example.test',
  name: 'The Team',
  description: null,
  subjectPrefix: '[team]',
  replyTo: 'sender',
  subscription: 'open',
  ...postingPreset((o.posting as ListPosting | undefined) ?? 'members'),
  posting: 'members',
  bounceLimit: 5,
  createdAt: 0,
  ...o,
});
const member = (address: string, role: ListMember['role'] = 'member', disabled = false): ListMember => ({
  address,
  role,
  createdAt: 0,
  bounces: 0,
  disabled,
});
const memberStore = (members: ListMember[]) => ({
  listListMembers: async () => members,
  getListMember: async (_: number, a: string) => members.find((m) => m.address === a.toLowerCase()) ?? null,
  getListToken: async () => null,
  getDomain: async (name: string) => (name === 'example.test' ? ({ id: 1, name } as never) : null),
});
const post = (head: string) => Buffer.from(`${head}\r\n\r\nHello all\r\nList-Id: <not.a.header>\r\n`);
const headOf = (b: Buffer) => b.toString().split('\r\n\r\n')[0];

test('List-Id (RFC 2919), List-* (RFC 2369), Precedence and the prefix are added; the body is untouched', async () => {
  const copy = listCopy(
    list(),
    post('From: ann@example.test\r\nTo: team@example.test\r\nSubject: Lunch\r\nList-Id: Other <other.example.org>\r\nPrecedence: bulk'),
  );
  const head = headOf(copy);
  assert.match(head, /^List-Id: The Team <team\.example\.test>$/m);
  assert.match(head, /^List-Post: <mailto:team@example\.test>$/m);
  assert.match(head, /^List-Owner: <mailto:team-owner@example\.test>$/m);
  assert.match(head, /^List-Unsubscribe: <mailto:team-unsubscribe@example\.test>$/m);
  assert.match(head, /^List-Subscribe: <mailto:team-subscribe@example\.test>$/m);
  assert.match(head, /^List-Help: <mailto:team-request@example\.test\?subject=help>$/m);
  assert.match(head, /^Precedence: list$/m);
  assert.doesNotMatch(head, /other\.example\.org|Precedence: bulk/);
  assert.equal((head.match(/^Subject:/gm) ?? []).length, 1);
  assert.equal((await simpleParser(copy)).subject, '[team] Lunch');
  assert.ok(copy.toString().endsWith('\r\n\r\nHello all\r\nList-Id: <not.a.header>\r\n'));
  assert.equal(listIdOf(list()), 'team.example.test');
  assert.equal(ownerAddressOf(list()), 'team-owner@example.test');
});

test('the prefix goes on once (a reply keeps it), and on encoded or missing subjects too', async () => {
  assert.equal((await simpleParser(listCopy(list(), post('Subject: Re: [Team] Lunch')))).subject, 'Re: [Team] Lunch');
  assert.equal((await simpleParser(listCopy(list(), post('Subject: =?UTF-8?Q?D=C3=A9jeuner?=')))).subject, '[team] Déjeuner');
  assert.equal((await simpleParser(listCopy(list(), post('From: ann@example.test')))).subject, '[team]');
  assert.equal((await simpleParser(listCopy(list({ subjectPrefix: '[équipe]' }), post('Subject: Hi')))).subject, '[équipe] Hi');
  assert.equal((await simpleParser(listCopy(list({ subjectPrefix: null }), post('Subject: Hi')))).subject, 'Hi');
});

test("Reply-To the list replaces the sender's; announcement lists say List-Post: NO; names are quoted or encoded", () => {
  const head = headOf(
    listCopy(list({ replyTo: 'list', posting: 'owners', name: 'Team "A", B' }), post('Reply-To: ann@example.test\r\nSubject: x')),
  );
  assert.match(head, /^Reply-To: <team@example\.test>$/m);
  assert.doesNotMatch(head, /ann@example\.test/);
  assert.match(head, /^List-Post: NO$/m);
  assert.match(head, /^List-Id: "Team \\"A\\", B" <team\.example\.test>$/m);
  assert.match(
    headOf(listCopy(list({ name: 'Équipe' }), post('Subject: x'))),
    /^List-Id: =\?UTF-8\?Q\?=C3=89quipe\?= <team\.example\.test>$/m,
  );
});

test("a post that carries this list's List-Id is a loop", () => {
  assert.equal(isLoop(listCopy(list(), post('Subject: x')), list()), true);
  assert.equal(isLoop(post('List-Id: other <other.example.org>'), list()), false);
  assert.equal(isLoop(post('Subject: x'), list()), false);
});

test('posting policy: anyone, members (owners included), owners; the null sender never', async () => {
  const store = memberStore([member('ann@example.test'), member('olga@example.test', 'owner')]);
  assert.equal(await mayPost(store, list({ posting: 'anyone' }), 'stranger@example.net', null), true);
  assert.equal(await mayPost(store, list({ posting: 'anyone' }), '', null), false);
  assert.equal(await mayPost(store, list(), 'ANN@example.test', null), true);
  assert.equal(await mayPost(store, list(), 'olga@example.test', null), true);
  assert.equal(await mayPost(store, list(), 'stranger@example.net', null), false);
  assert.equal(await mayPost(store, list(), 'alias@example.test', 'ann@example.test'), true, 'the authenticated user counts');
  assert.equal(await mayPost(store, list({ posting: 'owners' }), 'ann@example.test', null), false);
  assert.equal(await mayPost(store, list({ posting: 'owners' }), 'olga@example.test', null), true);
  const moderated = list({ nonMemberPosts: 'moderate' });
  assert.equal(await mayPost(store, moderated, 'stranger@example.net', null), true, 'moderated: accepted at RCPT, held later');
  const at = (endpoint: 'bounces' | 'help' | 'confirm', detail: string | null = null) => ({ ...list(), endpoint, detail });
  assert.equal(await mayPost(store, at('bounces'), '', null), true, 'bounces come from the null sender');
  assert.equal(await mayPost(store, at('help'), '', null), false);
  assert.equal(await mayPost(store, at('help'), 'stranger@example.net', null), true);
  assert.equal(await mayPost(store, at('confirm', 'f'.repeat(32)), 'stranger@example.net', null), false, 'an unknown token is refused');
});

test('addresses: commands, confirm+TOKEN, VERP bounces; a +detail elsewhere is no list address', async () => {
  const store = { getList: async (a: string) => (a === 'team@example.test' ? list() : null) };
  assert.equal((await findListAddress(store, 'Team@Example.test'))?.endpoint, 'post');
  for (const c of ['request', 'subscribe', 'unsubscribe', 'help', 'owner', 'bounces'] as const)
    assert.equal((await findListAddress(store, commandAddress(list(), c)))?.endpoint, c);
  const confirm = await findListAddress(store, 'team-confirm+ABC@example.test');
  assert.deepEqual([confirm?.endpoint, confirm?.detail], ['confirm', 'abc']);
  assert.equal(verpAddress(list(), 'zed@elsewhere.example'), 'team-bounces+zed=elsewhere.example@example.test');
  assert.equal((await findListAddress(store, 'team-bounces+zed=elsewhere.example@example.test'))?.detail, 'zed@elsewhere.example');
  assert.equal(await findListAddress(store, 'team-help+x@example.test'), null);
  assert.equal(await findListAddress(store, 'team-confirm@example.test'), null);
  assert.equal(await findListAddress(store, 'other-help@example.test'), null);
});

test('tokens: 32 hex digits, split into selector and verifier; only the right verifier matches', () => {
  const t = newToken();
  assert.match(t.token, /^[0-9a-f]{32}$/);
  const parts = splitToken(t.token.toUpperCase())!;
  assert.equal(parts.selector, t.selector);
  assert.equal(verifierMatches(t.verifierHash, parts.verifier), true);
  assert.equal(verifierMatches(t.verifierHash, parts.verifier.replace(/.$/, (c) => (c === '0' ? '1' : '0'))), false);
  assert.equal(splitToken('not-a-token'), null);
  assert.equal(verifierMatches('00', parts.verifier), false);
});

test('request commands from the subject or the first body line; a reply to a confirmation confirms', () => {
  const tok = 'a'.repeat(32);
  assert.deepEqual(requestCommand(Buffer.from(`Subject: Re: confirm ${tok}\r\n\r\n> quoted\r\n`)), { verb: 'confirm', token: tok });
  assert.deepEqual(requestCommand(Buffer.from('Subject: subscribe\r\n\r\n')), { verb: 'subscribe' });
  assert.deepEqual(requestCommand(Buffer.from('Subject: \r\n\r\n\r\nunsubscribe please\r\n')), { verb: 'unsubscribe' });
  assert.deepEqual(requestCommand(Buffer.from('Subject: HELP\r\n\r\n')), { verb: 'help' });
  assert.equal(requestCommand(Buffer.from('Subject: hello\r\n\r\nhow do I join?\r\n')), null);
});

test('bounces: the Final-Recipient fields of a DSN (RFC 3464 §2.3.2)', () => {
  const dsn = Buffer.from('Content-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; Zed@Elsewhere.example\r\nAction: failed\r\n');
  assert.deepEqual(finalRecipients(dsn), ['zed@elsewhere.example']);
});

test('distribution: local members share one message from LIST-bounces, remote ones get a VERP sender; disabled, loops and empty lists send nothing', async () => {
  const sent: OutboundMessage[] = [];
  const outbound = {
    send: async (m: OutboundMessage) => {
      sent.push(m);
      return { queueId: 'q9' };
    },
  };
  const members = [
    member('ann@example.test'),
    member('bob@example.test'),
    member('zed@elsewhere.example'),
    member('team@example.test'),
    member('off@example.test', 'member', true),
  ];
  const d = await distributeListPost(memberStore(members), outbound, list(), post('Subject: x'));
  assert.deepEqual(d, { outcome: 'sent', recipients: 3, queueId: 'q9' });
  assert.deepEqual(
    sent.map((m) => [m.mailFrom, m.recipients]),
    [
      ['team-bounces@example.test', ['ann@example.test', 'bob@example.test']],
      ['team-bounces+zed=elsewhere.example@example.test', ['zed@elsewhere.example']],
    ],
  );
  assert.match(sent[0].bytes.toString(), /^List-Id: /m);
  assert.deepEqual(await distributeListPost(memberStore(members), outbound, list(), sent[0].bytes), { outcome: 'loop' });
  assert.deepEqual(await distributeListPost(memberStore([]), outbound, list(), post('Subject: y')), { outcome: 'empty' });
  assert.equal(sent.length, 2);
});
