/**
 * MX sender authentication with mailauth over an offline DNS: DKIM signed in the test with a key
 * the fake DNS publishes (pass), a tampered body (fail), SPF pass/fail from TXT records, DMARC
 * policies, and the RFC 8601 §5 removal of forged Authentication-Results fields.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { authenticateInbound, type InboundAuthInput } from '../../../src/mail/inbound-auth.js';
import { splitHeader } from '../../../src/mail/header-block.js';
import { fakeResolver, type FakeZone } from '../../helpers/fake-dns.js';

const pair = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'der' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});
const PUBLIC = pair.publicKey.toString('base64');

const zone = (extra: FakeZone = {}): FakeZone => ({
  'sel1._domainkey.sender.example': { TXT: [`v=DKIM1; k=rsa; p=${PUBLIC}`] },
  'sender.example': { TXT: ['v=spf1 ip4:192.0.2.10 -all'], A: ['192.0.2.10'] },
  '_dmarc.sender.example': { TXT: ['v=DMARC1; p=reject'] },
  'mx.example.net': { A: ['198.51.100.7'] },
  ...extra,
});

async function message(opts: { from?: string; extraHeaders?: Record<string, string> } = {}): Promise<Buffer> {
  return new MailComposer({
    from: opts.from ?? 'Alice <alice@sender.example>',
    to: 'bob@hearth.test',
    subject: 'Quarterly figures',
    text: 'The figures are attached in spirit.\n',
    messageId: '<q1@sender.example>',
    headers: opts.extraHeaders ?? {},
  })
    .compile()
    .build();
}

async function signed(raw: Buffer, domain = 'sender.example'): Promise<Buffer> {
  const res = await dkimSign(raw, {
    canonicalization: 'relaxed/relaxed',
    signatureData: [{ signingDomain: domain, selector: 'sel1', privateKey: pair.privateKey }],
  } as never);
  return Buffer.concat([Buffer.from(res.signatures), raw]);
}

const input = (z: FakeZone, over: Partial<InboundAuthInput> = {}): InboundAuthInput => ({
  ip: '192.0.2.10',
  helo: 'mail.sender.example',
  mailFrom: 'alice@sender.example',
  authservId: 'mx.hearth.test',
  resolver: fakeResolver(z),
  dmarcReject: 'junk',
  ...over,
});

const arFields = (bytes: Buffer) =>
  splitHeader(bytes)
    .fields.filter((f) => f.name === 'authentication-results')
    .map((f) => f.raw.toString());

describe('inbound authentication (SPF, DKIM, DMARC via mailauth)', () => {
  it('a message signed with the published key and sent from an SPF-allowed address passes everything', async () => {
    const out = await authenticateInbound(await signed(await message()), input(zone()));
    assert.deepEqual([out.dkim, out.spf, out.dmarc, out.verdict], ['pass', 'pass', 'pass', 'deliver']);
    assert.match(out.header, /^Authentication-Results: mx\.hearth\.test;\r\n /);
    assert.match(out.header, /dkim=pass[^;]*header\.i=@sender\.example[^;]*header\.s=sel1/);
    assert.match(out.header, /spf=pass[^;]*smtp\.mailfrom=(alice@)?sender\.example/);
    assert.match(out.header, /dmarc=pass/);
    // Prepended: the first field of the stored message.
    assert.equal(splitHeader(out.bytes).fields[0].name, 'authentication-results');
  });

  it('a tampered body fails DKIM', async () => {
    const good = await signed(await message());
    const bad = Buffer.from(good.toString().replace('in spirit', 'in SPIRIT'));
    const out = await authenticateInbound(bad, input(zone()));
    assert.equal(out.dkim, 'fail');
    assert.match(out.header, /dkim=fail/);
    // SPF still passes and is aligned, so DMARC passes: DMARC needs one aligned pass (RFC 7489 §4.2).
    assert.equal(out.dmarc, 'pass');
  });

  it('a tampered signed header fails DKIM', async () => {
    const good = await signed(await message());
    const bad = Buffer.from(good.toString().replace('Subject: Quarterly figures', 'Subject: Quarterly figures!'));
    assert.equal((await authenticateInbound(bad, input(zone()))).dkim, 'fail');
  });

  it('SPF fails for an address the TXT record does not allow; with DKIM gone too, DMARC p=reject sends it to Junk by default', async () => {
    const out = await authenticateInbound(await message(), input(zone(), { ip: '203.0.113.99' }));
    assert.deepEqual([out.spf, out.dkim, out.dmarc], ['fail', 'none', 'fail']);
    assert.equal(out.verdict, 'junk');
    assert.match(out.reason ?? '', /reject/);
  });

  it('DMARC p=reject failing is refused when the operator chose reject', async () => {
    const out = await authenticateInbound(await message(), input(zone(), { ip: '203.0.113.99', dmarcReject: 'reject' }));
    assert.equal(out.verdict, 'reject');
  });

  it('DMARC p=quarantine failing goes to Junk; p=none failing is delivered', async () => {
    const q = await authenticateInbound(
      await message(),
      input(zone({ '_dmarc.sender.example': { TXT: ['v=DMARC1; p=quarantine'] } }), { ip: '203.0.113.99', dmarcReject: 'reject' }),
    );
    assert.equal(q.verdict, 'junk');
    const n = await authenticateInbound(
      await message(),
      input(zone({ '_dmarc.sender.example': { TXT: ['v=DMARC1; p=none'] } }), { ip: '203.0.113.99' }),
    );
    assert.deepEqual([n.dmarc, n.verdict], ['fail', 'deliver']);
  });

  it('SPF softfail (~all) and a domain with no records at all', async () => {
    const soft = await authenticateInbound(
      await message(),
      input(zone({ 'sender.example': { TXT: ['v=spf1 ip4:192.0.2.10 ~all'] } }), { ip: '203.0.113.99' }),
    );
    assert.equal(soft.spf, 'softfail');
    const none = await authenticateInbound(await message({ from: 'x@nowhere.example' }), input({}, { mailFrom: 'x@nowhere.example' }));
    assert.deepEqual([none.spf, none.dkim, none.dmarc, none.verdict], ['none', 'none', 'none', 'deliver']);
  });

  it('a DNS failure is a temperror, never an exception', async () => {
    const broken = async () => {
      throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
    };
    const out = await authenticateInbound(await signed(await message()), input({}, { resolver: broken }));
    assert.equal(out.verdict, 'deliver');
    assert.match(out.header, /temperror/);
  });

  it('a DNS that never answers: every method temperror once the budget is spent, and the message is delivered', async () => {
    const silent = () => new Promise<never>(() => {});
    const forged = Buffer.concat([Buffer.from('Authentication-Results: mx.hearth.test; dkim=pass\r\n'), await message()]);
    const out = await authenticateInbound(forged, input({}, { resolver: silent, budgetMs: 300 }));
    assert.deepEqual([out.spf, out.dkim, out.dmarc, out.verdict], ['temperror', 'temperror', 'temperror', 'deliver']);
    assert.deepEqual(arFields(out.bytes), [out.header]);
  });

  it('removes incoming Authentication-Results claiming our authserv-id and keeps the others (RFC 8601 §5)', async () => {
    const raw = await message({ extraHeaders: {} });
    const forged = Buffer.concat([
      Buffer.from('Authentication-Results: MX.hearth.test; dkim=pass header.d=bank.example\r\n'),
      Buffer.from('Authentication-Results: (sneaky) mx.hearth.test (comment);\r\n spf=pass\r\n'),
      Buffer.from('Authentication-Results: relay.sender.example; spf=pass smtp.mailfrom=sender.example\r\n'),
      raw,
    ]);
    const out = await authenticateInbound(forged, input(zone()));
    const ars = arFields(out.bytes);
    assert.equal(ars.length, 2);
    assert.equal(ars[0], out.header);
    assert.match(ars[1], /^Authentication-Results: relay\.sender\.example;/);
    assert.doesNotMatch(out.bytes.toString(), /bank\.example|sneaky/);
    // Every other byte is kept.
    assert.ok(out.bytes.subarray(out.bytes.length - raw.length).equals(raw));
  });

  it('hostile input: no header block, binary bytes, a header without colon, endless folding: a result, never an exception', async () => {
    const samples = [
      Buffer.alloc(0),
      Buffer.from('no header here at all'),
      Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x0d, 0x0a, 0x80, 0x81]),
      Buffer.from(' leading continuation\r\nFrom: a@sender.example\r\n\r\nbody'),
      Buffer.from(`Subject: x${'\r\n y'.repeat(5000)}\r\nAuthentication-Results: mx.hearth.test; dkim=pass\r\n\r\n`),
      Buffer.from('DKIM-Signature: v=1; a=rsa-sha256; d=sender.example; s=sel1; b=!!!; bh=???\r\nFrom: a@sender.example\r\n\r\nx'),
    ];
    for (const raw of samples) {
      const out = await authenticateInbound(raw, input(zone()));
      assert.match(out.header, /^Authentication-Results: mx\.hearth\.test;/);
      assert.equal(arFields(out.bytes).filter((f) => /mx\.hearth\.test; dkim=pass/.test(f)).length, 0);
    }
  });
});
