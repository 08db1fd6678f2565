/** A list's copy of a post (src/mail/lists/post.ts), its posting policy (policy.ts) and its fan-out (distribute.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simpleParser } from 'mailparser';
import { isLoop, listCopy, listIdOf, ownerAddressOf } from '../../../../src/mail/lists/post.js';
import { mayPost } from '../../../../src/mail/lists/policy.js';
import { distributeListPost } from '../../../../src/mail/lists/distribute.js';
import type { ListMember, MailingList } from '../../../../src/store/list-store.js';
import type { OutboundMessage } from '../../../../src/mail/outbound.js';

const list = (o: Partial<MailingList> = {}): MailingList => ({
  id: 1,
  domainId: 1,
  address: 'team@example.test',
  name: 'The Team',
  subjectPrefix: '[team]',
  replyTo: 'sender',
  posting: 'members',
  createdAt: 0,
  ...o,
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
  assert.match(head, /^List-Unsubscribe: <mailto:team-owner@example\.test\?subject=unsubscribe>$/m);
  assert.match(head, /^List-Help: <mailto:team-owner@example\.test\?subject=help>$/m);
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
  const members: ListMember[] = [
    { address: 'ann@example.test', role: 'member', createdAt: 0 },
    { address: 'olga@example.test', role: 'owner', createdAt: 0 },
  ];
  const store = { listListMembers: async () => members };
  assert.equal(await mayPost(store, list({ posting: 'anyone' }), 'stranger@example.net', null), true);
  assert.equal(await mayPost(store, list({ posting: 'anyone' }), '', null), false);
  assert.equal(await mayPost(store, list(), 'ANN@example.test', null), true);
  assert.equal(await mayPost(store, list(), 'olga@example.test', null), true);
  assert.equal(await mayPost(store, list(), 'stranger@example.net', null), false);
  assert.equal(await mayPost(store, list(), 'alias@example.test', 'ann@example.test'), true, 'the authenticated user counts');
  assert.equal(await mayPost(store, list({ posting: 'owners' }), 'ann@example.test', null), false);
  assert.equal(await mayPost(store, list({ posting: 'owners' }), 'olga@example.test', null), true);
});

test('distribution: one Outbound message from LIST-owner to every member but the list; loops and empty lists send nothing', async () => {
  const sent: OutboundMessage[] = [];
  const outbound = {
    send: async (m: OutboundMessage) => {
      sent.push(m);
      return { queueId: 'q9' };
    },
  };
  const members: ListMember[] = ['ann@example.test', 'zed@elsewhere.example', 'team@example.test'].map((address) => ({
    address,
    role: 'member',
    createdAt: 0,
  }));
  const d = await distributeListPost({ listListMembers: async () => members }, outbound, list(), post('Subject: x'));
  assert.deepEqual(d, { outcome: 'sent', recipients: 2, queueId: 'q9' });
  assert.deepEqual([sent[0].mailFrom, sent[0].recipients], ['team-owner@example.test', ['ann@example.test', 'zed@elsewhere.example']]);
  assert.match(sent[0].bytes.toString(), /^List-Id: /m);
  assert.deepEqual(await distributeListPost({ listListMembers: async () => members }, outbound, list(), sent[0].bytes), {
    outcome: 'loop',
  });
  assert.deepEqual(await distributeListPost({ listListMembers: async () => [] }, outbound, list(), post('Subject: y')), {
    outcome: 'empty',
  });
  assert.equal(sent.length, 1);
});
