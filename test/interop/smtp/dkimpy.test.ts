/**
 * DKIM against an implementation we did not write: dkimpy (Debian python3-dkim), run by
 * /usr/bin/python3 with its DNS answered from the test (offline). Our signature (after a footer)
 * verifies in dkimpy; a dkimpy signature verifies in our MX checks; a changed body fails in both.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { openStore } from '../../../src/store/open.js';
import type { Store } from '../../../src/store/store.js';
import { MailPolicies } from '../../../src/mail/policies.js';
import { DEFAULT_MAIL_POLICY } from '../../../src/mail/policy-settings.js';
import { dkimDnsRecord, ensureDkimKey } from '../../../src/mail/dkim-keys.js';
import { authenticateInbound } from '../../../src/mail/inbound-auth.js';
import { fakeResolver } from '../../helpers/fake-dns.js';

const PY = '/usr/bin/python3';
const hasDkimpy = spawnSync(PY, ['-c', 'import dkim']).status === 0;
const skip = hasDkimpy ? false : 'dkimpy is not installed (apt-get install python3-dkim)';

// Verifies stdin, or signs it (argv: sign SELECTOR DOMAIN, key PEM in KEY); DNS from RECORD_NAME/RECORD_VALUE.
const SCRIPT = `
import os, sys, dkim
msg = sys.stdin.buffer.read()
def dns(name, timeout=5):
    return os.environ['RECORD_VALUE'].encode() if name.decode().rstrip('.') == os.environ.get('RECORD_NAME') else None
if sys.argv[1] == 'verify':
    print('pass' if dkim.verify(msg, dnsfunc=dns) else 'fail')
else:
    sig = dkim.sign(msg, sys.argv[2].encode(), sys.argv[3].encode(), os.environ['KEY'].encode(),
                    canonicalize=(b'relaxed', b'relaxed'), include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
    sys.stdout.buffer.write(sig)
`;

function python(args: string[], input: Buffer, env: Record<string, string>): Promise<{ code: number | null; out: Buffer; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(PY, ['-c', SCRIPT, ...args], { env: { ...process.env, ...env } });
    const out: Buffer[] = [];
    let err = '';
    p.stdout.on('data', (d: Buffer) => out.push(d));
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => resolve({ code, out: Buffer.concat(out), err }));
    p.stdin.end(input);
  });
}

describe('DKIM interop with dkimpy', { skip }, () => {
  let dir: string;
  let store: Store;
  before(async () => {
    if (!hasDkimpy) return;
    dir = mkdtempSync(join(tmpdir(), 'hearth-dkimpy-'));
    store = await openStore(undefined, dir);
    await store.createDomain({ name: 'acme.test' });
  });
  after(async () => {
    if (hasDkimpy) {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a message footed and signed on submission verifies in dkimpy; a changed body does not', async () => {
    const d = (await store.getDomain('acme.test'))!;
    await store.updateDomain(d.id, { footerText: 'Acme Ltd — registered in Wales' });
    const { key } = await ensureDkimKey(store, d);
    const record = dkimDnsRecord('acme.test', key);
    const policies = new MailPolicies({
      store,
      outbound: { send: async () => ({ queueId: null }) },
      resolver: fakeResolver({}),
      hostname: 'mx.acme.test',
      settings: DEFAULT_MAIL_POLICY,
      log: { info() {}, warn() {} },
    });
    const raw = await new MailComposer({
      from: 'Ann <ann@acme.test>',
      to: 'x@example.net',
      subject: 'Grüße',
      text: 'Hallo',
      html: '<p>Hallo</p>',
      attachments: [{ filename: 'a.bin', content: Buffer.from([0, 1, 2, 250]) }],
    })
      .compile()
      .build();
    const signed = await policies.prepareSubmission(raw, ['x@example.net']);
    assert.match(signed.toString(), /Acme Ltd/);
    const env = { RECORD_NAME: record.name, RECORD_VALUE: record.value };
    const ok = await python(['verify'], signed, env);
    assert.equal(ok.out.toString().trim(), 'pass', ok.err);
    const tampered = Buffer.from(signed.toString('latin1').replace('Hallo', 'Hallo!'), 'latin1');
    assert.equal((await python(['verify'], tampered, env)).out.toString().trim(), 'fail');
  });

  it('a dkimpy signature verifies in the MX checks; a changed body fails', async () => {
    const pair = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    });
    const raw = await new MailComposer({
      from: 'bo@sender.example',
      to: 'ann@acme.test',
      subject: 'from python',
      text: 'signed by dkimpy\n',
    })
      .compile()
      .build();
    const sig = await python(['sign', 'py1', 'sender.example'], raw, { KEY: pair.privateKey });
    assert.equal(sig.code, 0, sig.err);
    const signed = Buffer.concat([sig.out, raw]);
    const zone = { 'py1._domainkey.sender.example': { TXT: [`v=DKIM1; k=rsa; p=${pair.publicKey.toString('base64')}`] } };
    const input = {
      ip: '192.0.2.1',
      helo: 'h.sender.example',
      mailFrom: 'bo@sender.example',
      authservId: 'mx.acme.test',
      resolver: fakeResolver(zone),
      dmarcReject: 'junk' as const,
    };
    assert.equal((await authenticateInbound(signed, input)).dkim, 'pass');
    const tampered = Buffer.from(signed.toString().replace('signed by dkimpy', 'signed by someone'));
    assert.equal((await authenticateInbound(tampered, input)).dkim, 'fail');
  });
});
