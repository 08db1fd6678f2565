/**
 * The filter pipeline with stand-in filters: which filter runs for whom, the failure policies,
 * what reaches the mailbox (Hearth's X-Spam-* and X-Virus-Scanned fields, a sender's forged ones
 * removed), and the header rewriting on awkward header blocks.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FilterPipeline, DEFAULT_FILTER_POLICY } from '../../../../src/mail/filters/pipeline.js';
import {
  FilterUnavailableError,
  type FilterEnvelope,
  type FilterVerdict,
  type MessageFilter,
} from '../../../../src/mail/filters/filter.js';
import { rewriteHeader, foldField } from '../../../../src/mail/header-block.js';

const mx: FilterEnvelope = {
  mailFrom: 'x@example.net',
  rcptTo: ['ann@example.test'],
  remoteAddress: '192.0.2.9',
  helo: 'h',
  authenticatedUser: null,
};
const submission: FilterEnvelope = { ...mx, authenticatedUser: 'ann@example.test' };
const msg = Buffer.from(
  'Received: from h\r\nX-Spam-Flag: NO\r\nX-Spam-Status: No,\r\n forged=1\r\nSubject: hi\r\nX-Virus-Scanned: fake\r\n\r\nbody\r\nX-Spam-Flag: NO\r\n',
);

class Fake implements MessageFilter {
  calls = 0;
  constructor(
    readonly name: string,
    private readonly answer: FilterVerdict | Error,
  ) {}
  async scan(): Promise<FilterVerdict> {
    this.calls++;
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}
const down = (name: string) => new Fake(name, new FilterUnavailableError(name, 'ECONNREFUSED'));
const spamVerdict: FilterVerdict = { action: 'reject', score: 15, threshold: 15, symbols: ['GTUBE'] };

describe('filter pipeline', () => {
  test("spam goes to Junk with Hearth's X-Spam fields; the sender's forged ones are gone, the body untouched", async () => {
    const d = await new FilterPipeline({
      spam: new Fake('rspamd', spamVerdict),
      antivirus: new Fake('clamav', { action: 'accept' }),
    }).screen(msg, mx);
    assert.equal(d.outcome, 'deliver');
    if (d.outcome !== 'deliver') return;
    assert.equal(d.junk, true);
    const text = d.message.toString();
    const [head, body] = text.split('\r\n\r\n');
    assert.match(
      head,
      /^X-Spam-Flag: YES\r\nX-Spam-Score: 15\.00\r\nX-Spam-Status: Yes, score=15\.00 required=15\.00 tests=GTUBE\r\nX-Virus-Scanned: clamav\r\nReceived: from h\r\nSubject: hi$/,
    );
    assert.equal(body, 'body\r\nX-Spam-Flag: NO\r\n');
  });

  test('clean mail stays in the inbox, marked X-Spam-Flag: NO', async () => {
    const d = await new FilterPipeline({ spam: new Fake('rspamd', { action: 'accept', score: 1.5, threshold: 15, symbols: [] }) }).screen(
      msg,
      mx,
    );
    assert.ok(d.outcome === 'deliver' && !d.junk);
    assert.match(
      d.outcome === 'deliver' ? d.message.toString() : '',
      /^X-Spam-Flag: NO\r\nX-Spam-Score: 1\.50\r\nX-Spam-Status: No, score=1\.50 required=15\.00\r\nReceived/,
    );
  });

  test('a virus is refused whatever the spam filter says; authenticated submission skips the spam filter, not the scanner', async () => {
    const spam = new Fake('rspamd', spamVerdict);
    const av = new Fake('clamav', { action: 'reject', virus: 'Eicar-Test' });
    const p = new FilterPipeline({ spam, antivirus: av });
    assert.deepEqual(await p.screen(msg, submission), { outcome: 'refuse', reason: 'virus', virus: 'Eicar-Test' });
    assert.equal(spam.calls, 0);
    assert.equal(av.calls, 1);
    const clean = await new FilterPipeline({ spam, antivirus: new Fake('clamav', { action: 'accept' }) }).screen(msg, submission);
    assert.ok(clean.outcome === 'deliver' && !clean.junk && clean.spam === null);
    assert.equal(spam.calls, 0);
    // The forged X-Spam fields stay as they were: no spam filter ran that could vouch for them.
    assert.match(clean.outcome === 'deliver' ? clean.message.toString() : '', /X-Spam-Flag: NO\r\nX-Spam-Status: No,\r\n forged=1/);
  });

  test('failure policy: scanner down tempfails by default, spam filter down lets mail through', async () => {
    assert.deepEqual(DEFAULT_FILTER_POLICY, { spamOnFailure: 'accept', virusOnFailure: 'tempfail', spamReject: 'junk' });
    const avDown = await new FilterPipeline({ spam: new Fake('rspamd', spamVerdict), antivirus: down('clamav') }).screen(msg, mx);
    assert.equal(avDown.outcome, 'tempfail');
    const spamDown = await new FilterPipeline({ spam: down('rspamd'), antivirus: new Fake('clamav', { action: 'accept' }) }).screen(
      msg,
      mx,
    );
    assert.ok(spamDown.outcome === 'deliver' && !spamDown.junk && spamDown.failures.length === 1);
    // Unscored mail gets no X-Spam field of ours, and keeps none of the sender's.
    assert.ok(spamDown.outcome === 'deliver');
    assert.equal(
      spamDown.outcome === 'deliver' ? spamDown.message.toString().split('\r\n\r\n')[0] : '',
      'X-Virus-Scanned: clamav\r\nReceived: from h\r\nSubject: hi',
    );
  });

  test("failure policy the other way round, and refusing rspamd's reject", async () => {
    const policy = { spamOnFailure: 'tempfail', virusOnFailure: 'accept', spamReject: 'refuse' } as const;
    const avDown = await new FilterPipeline({ antivirus: down('clamav') }, policy).screen(msg, mx);
    assert.ok(avDown.outcome === 'deliver' && avDown.failures[0].filter === 'clamav');
    assert.equal((await new FilterPipeline({ spam: down('rspamd') }, policy).screen(msg, mx)).outcome, 'tempfail');
    const refused = await new FilterPipeline({ spam: new Fake('rspamd', spamVerdict) }, policy).screen(msg, mx);
    assert.ok(refused.outcome === 'refuse' && refused.reason === 'spam');
    const junk = await new FilterPipeline({ spam: new Fake('rspamd', { action: 'junk', score: 7 }) }, policy).screen(msg, mx);
    assert.ok(junk.outcome === 'deliver' && junk.junk);
  });

  test('a filter that throws something unexpected counts as unavailable', async () => {
    const d = await new FilterPipeline({ antivirus: new Fake('clamav', new TypeError('boom')) }).screen(msg, mx);
    assert.ok(d.outcome === 'tempfail' && /boom/.test(d.failures[0].message));
  });

  test('skipped scans add no X-Virus-Scanned; no filters: the bytes are unchanged', async () => {
    const d = await new FilterPipeline({ antivirus: new Fake('clamav', { action: 'accept', skipped: 'too large' }) }).screen(msg, mx);
    assert.ok(d.outcome === 'deliver' && d.message.equals(msg));
    assert.equal(new FilterPipeline({}).active, false);
  });
});

describe('header rewriting', () => {
  test('LF-only line ends, no body, a header block without a blank line, folded fields', () => {
    const drop = (f: { name: string }) => f.name.startsWith('x-spam-');
    assert.equal(
      rewriteHeader(Buffer.from('X-Spam-A: 1\n\tmore\nSubject: s\n\nX-Spam-A: body\n'), { drop, prepend: ['X-New: 1'] }).toString(),
      'X-New: 1\r\nSubject: s\n\nX-Spam-A: body\n',
    );
    assert.equal(rewriteHeader(Buffer.from('Subject: s\r\nX-Spam-B: 2'), { drop, prepend: [] }).toString(), 'Subject: s\r\n');
    assert.equal(rewriteHeader(Buffer.from(''), { drop, prepend: ['X-New: 1'] }).toString(), 'X-New: 1\r\n');
    assert.equal(rewriteHeader(Buffer.from('not a header line\r\n\r\nbody'), { drop, prepend: [] }).toString(), 'not a header line\r\n\r\nbody');
  });

  test('long values fold near 78 characters at spaces', () => {
    const f = foldField(
      'X-Spam-Status',
      `Yes, score=20.00 required=15.00 tests=${Array.from({ length: 30 }, (_, i) => `RULE_NUMBER_${i}`).join(', ')}`,
    );
    for (const line of f.split('\r\n')) assert.ok(line.length <= 78, line);
    assert.equal(
      f.replace(/\r\n\t/g, ' '),
      `X-Spam-Status: Yes, score=20.00 required=15.00 tests=${Array.from({ length: 30 }, (_, i) => `RULE_NUMBER_${i}`).join(', ')}`,
    );
  });
});
