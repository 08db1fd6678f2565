/**
 * Spam and virus filtering at the wire, with the real daemons (rspamd and clamd, started here
 * with private configuration) and real clients (swaks, nodemailer): EICAR is refused at DATA
 * with 554 5.7.1 and the virus name, GTUBE lands in Junk with X-Spam headers, clean mail in the
 * inbox, authenticated submission skips the spam filter but not the scanner, a scanner that is
 * down tempfails (451 4.7.1), and what was accepted is in the archive, what was refused is not.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { startHarness, type SmtpHarness } from './harness.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';
import { deliveryExtras } from '../../../src/server/mail-filters.js';
import type { MailDelivery } from '../../../protocols/smtp/delivery.js';
import type { FolderRole } from '../../../src/model/types.js';
import {
  EICAR,
  GTUBE,
  clamdSkip,
  freePort,
  hasSwaks,
  rspamdSkip,
  startClamd,
  startRspamd,
  type RunningClamd,
  type RunningRspamd,
} from '../../helpers/filter-daemons.js';

const PW = 'Filter-pass-123';
const skip = rspamdSkip || clamdSkip;

describe('SMTP with rspamd and ClamAV', { skip }, () => {
  let h: SmtpHarness;
  let rspamd: RunningRspamd;
  let clamd: RunningClamd;
  const holder: { d?: MailDelivery } = {};
  const log = pino({ level: 'silent' });

  before(async () => {
    [rspamd, clamd] = await Promise.all([startRspamd(), startClamd()]);
    h = await startHarness({ delivery: { deliver: (m, b, e) => holder.d!.deliver(m, b, e) } });
    h.config.filters.rspamd = { url: rspamd.url, controllerUrl: rspamd.controllerUrl, password: rspamd.password, timeoutSeconds: 120 };
    h.config.filters.clamav = { address: clamd.address, timeoutSeconds: 120, maxMessageSize: 10 * 1024 * 1024 };
    h.config.archive.enabled = true;
    holder.d = storeDelivery(h.store, log, deliveryExtras(h.config, h.store));
    await h.addUser('ann@example.test', PW);
    await h.addUser('bob@example.test', PW);
  });
  after(async () => {
    await h?.close();
    await Promise.all([rspamd?.stop(), clamd?.stop()]);
  });

  /** Messages of a user's folder (by role), as text, whose Subject contains `tag`. */
  const inFolder = async (email: string, role: FolderRole, tag: string) => {
    const a = (await h.store.getAccount(email))!;
    const folder = (await h.store.findFolderByRole(a.id, role))!;
    const out: string[] = [];
    for (const m of await h.store.listMessages(folder.id)) {
      if (m.parsed.subject?.includes(tag)) out.push((await h.store.readMessageBytes(m.itemId))!.toString());
    }
    return out;
  };
  const mx = () =>
    nodemailer.createTransport({ host: '127.0.0.1', port: h.mx, secure: false, ignoreTLS: true, name: 'sender.example.net' });
  const submission = (user: string) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: h.submission,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: false },
      auth: { user, pass: PW },
    });

  test(
    'swaks: EICAR is refused at DATA with 554 5.7.1 and the virus name; nothing is stored or archived',
    { skip: hasSwaks ? false : 'swaks is not installed' },
    async () => {
      const out = await swaks([
        '--port',
        String(h.mx),
        '--from',
        'x@example.net',
        '--to',
        'ann@example.test',
        '--header',
        'Subject: eicar-swaks',
        '--body',
        `Look at this\n${EICAR}\n`,
      ]);
      assert.match(out, /<\*\* +554 5\.7\.1 Message refused: virus found \(Hearth\.Test\.EICAR[^)]*\)/);
      for (const role of ['inbox', 'junk'] as const) assert.deepEqual(await inFolder('ann@example.test', role, 'eicar-swaks'), []);
      assert.deepEqual(await h.store.searchArchive({ subject: 'eicar-swaks' }), []);
    },
  );

  test('nodemailer: EICAR as a base64 attachment is refused too', async () => {
    const t = mx();
    await assert.rejects(
      t.sendMail({
        from: 'x@example.net',
        to: 'ann@example.test',
        subject: 'eicar-attached',
        text: 'invoice attached',
        attachments: [{ filename: 'invoice.com', content: Buffer.from(EICAR) }],
      }),
      (e: { responseCode?: number; response?: string }) => e.responseCode === 554 && /5\.7\.1 .*virus found/.test(e.response ?? ''),
    );
    t.close();
    assert.deepEqual(await inFolder('ann@example.test', 'inbox', 'eicar-attached'), []);
  });

  test('GTUBE lands in Junk with X-Spam headers; a forged X-Spam-Flag is removed', async () => {
    const t = mx();
    const info = await t.sendMail({
      from: 'x@example.net',
      to: 'ann@example.test',
      subject: 'gtube-mx',
      text: `Make money fast\n${GTUBE}\n`,
      headers: { 'X-Spam-Flag': 'NO' },
    });
    t.close();
    assert.match(info.response, /^250 /);
    const [junk] = await inFolder('ann@example.test', 'junk', 'gtube-mx');
    assert.ok(junk, 'in Junk');
    const head = junk.split('\r\n\r\n')[0];
    assert.match(head, /^X-Spam-Flag: YES$/m);
    assert.doesNotMatch(head, /^X-Spam-Flag: NO$/m);
    assert.match(head, /^X-Spam-Status: Yes, score=\d+\.\d\d required=\d+\.\d\d tests=.*GTUBE/m);
    assert.match(head, /^X-Virus-Scanned: clamav$/m);
    assert.deepEqual(await inFolder('ann@example.test', 'inbox', 'gtube-mx'), []);
  });

  test('clean mail lands in the inbox, marked not spam, and is archived (direction in)', async () => {
    const t = mx();
    const info = await t.sendMail({ from: 'x@example.net', to: 'ann@example.test', subject: 'clean-mx', text: 'Lunch at noon?' });
    t.close();
    const [inbox] = await inFolder('ann@example.test', 'inbox', 'clean-mx');
    assert.match(inbox ?? '', /^X-Spam-Flag: NO$/m);
    const [archived] = await h.store.searchArchive({ messageId: info.messageId });
    assert.ok(archived, 'archived');
    assert.equal(archived.direction, 'in');
    assert.deepEqual(archived.rcptTo, ['ann@example.test']);
    assert.equal(archived.subject, 'clean-mx');
  });

  test('authenticated submission skips the spam filter (GTUBE to the inbox) but not the virus scanner', async () => {
    const t = submission('ann@example.test');
    await t.sendMail({ from: 'ann@example.test', to: 'bob@example.test', subject: 'gtube-submitted', text: `quoting a test\n${GTUBE}\n` });
    const [inbox] = await inFolder('bob@example.test', 'inbox', 'gtube-submitted');
    assert.ok(inbox, 'in the inbox');
    assert.doesNotMatch(inbox.split('\r\n\r\n')[0], /^X-Spam-/m);
    assert.match(inbox, /^X-Virus-Scanned: clamav$/m);
    await assert.rejects(
      t.sendMail({ from: 'ann@example.test', to: 'bob@example.test', subject: 'eicar-submitted', text: EICAR }),
      (e: { responseCode?: number }) => e.responseCode === 554,
    );
    t.close();
    const [archived] = await h.store.searchArchive({ subject: 'gtube-submitted' });
    assert.equal(archived?.direction, 'out');
  });

  test('the virus scanner down: 451 4.7.1, the client keeps the message; the spam filter down: delivered', async () => {
    const saved = holder.d;
    try {
      const dead = `127.0.0.1:${await freePort()}`;
      holder.d = storeDelivery(
        h.store,
        log,
        deliveryExtras({ ...h.config, filters: { ...h.config.filters, clamav: { ...h.config.filters.clamav!, address: dead } } }, h.store),
      );
      const t = mx();
      await assert.rejects(
        t.sendMail({ from: 'x@example.net', to: 'ann@example.test', subject: 'scanner-down', text: 'hello' }),
        (e: { responseCode?: number; response?: string }) => e.responseCode === 451 && /4\.7\.1/.test(e.response ?? ''),
      );
      holder.d = storeDelivery(
        h.store,
        log,
        deliveryExtras(
          { ...h.config, filters: { ...h.config.filters, rspamd: { ...h.config.filters.rspamd!, url: `http://${dead}` } } },
          h.store,
        ),
      );
      await t.sendMail({ from: 'x@example.net', to: 'ann@example.test', subject: 'spamd-down', text: 'hello' });
      t.close();
      const [inbox] = await inFolder('ann@example.test', 'inbox', 'spamd-down');
      assert.ok(inbox);
      assert.doesNotMatch(inbox.split('\r\n\r\n')[0], /^X-Spam-/m);
      assert.deepEqual(await inFolder('ann@example.test', 'inbox', 'scanner-down'), []);
    } finally {
      holder.d = saved;
    }
  });
});

/** Runs swaks (the server is in this process, so never synchronously) and returns its transcript. */
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
