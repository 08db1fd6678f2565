/**
 * Real POP3 clients we did not write, against Hearth on SQLite and PostgreSQL: mail sent with
 * nodemailer to the SMTP MX listener is retrieved by Python's poplib (STLS and POP3S, USER/PASS
 * and AUTH PLAIN) and by fetchmail (Debian); DELE + QUIT removes it from the store.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import nodemailer from 'nodemailer';
import pino from 'pino';
import { startPop3Harness, type Pop3Harness } from '../../protocols/pop3/harness.js';
import { startSmtp, type RunningSmtp } from '../../../src/server/smtp.js';
import { storeDelivery } from '../../../src/server/smtp-delivery.js';
import { freshPostgresUrl, postgresSkipReason } from '../../helpers/stores.js';

const run = promisify(execFile);
const PW = 'Pop pass 1';
const SCRIPT = new URL('./poplib_client.py', import.meta.url).pathname;
const FETCHMAIL = '/usr/bin/fetchmail';

const backends = [
  { name: 'sqlite', url: async () => ({ url: undefined as string | undefined, drop: async () => {} }) },
  { name: 'postgres', url: freshPostgresUrl },
];

for (const backend of backends) {
  describe(`POP3 clients (${backend.name})`, async () => {
    const skip = backend.name === 'postgres' ? await postgresSkipReason() : null;
    let h: Pop3Harness;
    let smtp: RunningSmtp;
    let drop = async () => {};
    before(async () => {
      if (skip) return;
      const db = await backend.url();
      drop = db.drop;
      h = await startPop3Harness({
        context: {
          ...(db.url ? { database: db.url } : {}),
          env: { HEARTH_SMTP: '127.0.0.1:0', HEARTH_SUBMISSION: 'off', HEARTH_SUBMISSIONS: 'off' },
        },
      });
      smtp = await startSmtp(h.config, h.ctx, storeDelivery(h.store, pino({ level: 'silent' })));
      for (const u of ['ann', 'bob', 'cat']) await h.addUser(`${u}@example.test`, PW);
    });
    after(async () => {
      if (!skip) {
        await smtp.close();
        await h.close();
        await drop();
      }
    });

    const send = async (to: string, subject: string, text: string) => {
      const mx = nodemailer.createTransport({ host: '127.0.0.1', port: smtp.ports.mx!, secure: false, ignoreTLS: true });
      await mx.sendMail({ from: 'sender@example.net', to, subject, text });
      mx.close();
    };
    const poplib = async (port: number, mode: string, user: string, ...flags: string[]) =>
      JSON.parse((await run('/usr/bin/python3', [SCRIPT, '127.0.0.1', String(port), mode, user, PW, ...flags])).stdout);

    test(
      'poplib over STLS with USER/PASS reads what SMTP delivered; a rerun without DELE sees the same UIDLs',
      { skip: skip ?? false },
      async () => {
        await send('ann@example.test', 'first over smtp', 'Hello.\n.leading dot\nbye\n');
        await send('ann@example.test', 'second over smtp', 'Again.');
        const r = await poplib(h.plain, 'stls', 'ann@example.test');
        assert.ok(r.capa_before.includes('STLS') && !r.capa_before.includes('USER'));
        assert.ok(r.capa_after.includes('USER') && r.capa_after.includes('SASL'));
        assert.equal(r.stat[0], 2);
        const raws = r.messages.map((m: { raw: string }) => Buffer.from(m.raw, 'base64').toString());
        assert.match(raws[0], /Subject: first over smtp/);
        assert.match(raws[0], /\r\n\.leading dot\r\n/, 'poplib undid the byte-stuffing');
        assert.match(raws[1], /Subject: second over smtp/);
        assert.ok(r.messages.every((m: { top_has_subject: boolean }) => m.top_has_subject));
        const again = await poplib(h.plain, 'stls', 'ann@example.test');
        assert.deepEqual(
          again.messages.map((m: { uidl: string }) => m.uidl),
          r.messages.map((m: { uidl: string }) => m.uidl),
        );
        assert.deepEqual(await h.subjects('ann@example.test'), ['first over smtp', 'second over smtp']);
      },
    );

    test('poplib over POP3S with AUTH PLAIN, DELE all + QUIT empties the inbox in the store', { skip: skip ?? false }, async () => {
      await send('bob@example.test', 'to be popped', 'x');
      const r = await poplib(h.implicit, 'ssl', 'bob@example.test', '--auth', '--delete');
      assert.match(r.login, /^\+OK/);
      assert.equal(r.messages.length, 1);
      assert.match(r.quit, /^\+OK/);
      assert.deepEqual(await h.subjects('bob@example.test'), []);
    });

    test('poplib with a wrong password gets -ERR [AUTH]', { skip: skip ?? false }, async () => {
      await assert.rejects(
        run('/usr/bin/python3', [SCRIPT, '127.0.0.1', String(h.implicit), 'ssl', 'ann@example.test', 'wrong']),
        (e: { stderr: string }) => /-ERR \[AUTH\]/.test(e.stderr),
      );
    });

    test(
      'fetchmail over STLS and over POP3S fetches and removes the mail',
      { skip: skip ?? (existsSync(FETCHMAIL) ? false : 'fetchmail not installed (apt-get install fetchmail)') },
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'hearth-fetchmail-'));
        try {
          for (const [port, tls, subject] of [
            [h.plain, 'sslproto tls1.2+', 'fetch over stls'],
            [h.implicit, 'ssl', 'fetch over pop3s'],
          ] as const) {
            await send('cat@example.test', subject, `Body of ${subject}.`);
            const out = join(dir, 'mbox');
            const rc = join(dir, 'fetchmailrc');
            writeFileSync(
              rc,
              [
                'set no bouncemail',
                `poll 127.0.0.1 service ${port} protocol POP3 uidl:`,
                `  user "cat@example.test" password "${PW}" is "cat" here`,
                `  ${tls} no sslcertck`,
                `  mda "/bin/sh -c 'cat >> ${out}'"`,
                '',
              ].join('\n'),
            );
            chmodSync(rc, 0o600);
            await run(FETCHMAIL, ['-f', rc, '--nodetach', '--nosyslog', '-i', join(dir, 'ids')], {
              env: { ...process.env, FETCHMAILHOME: dir, HOME: dir },
            });
            assert.match(readFileSync(out, 'utf8'), new RegExp(`Subject: ${subject}`));
            assert.deepEqual(await h.subjects('cat@example.test'), [], 'fetchmail removes what it fetched (no keep)');
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  });
}
