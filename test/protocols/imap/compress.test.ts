// COMPRESS=DEFLATE (RFC 4978) on the wire: a raw socket that deflates and inflates with node:zlib.
// Announced only after login; both directions compressed after the tagged OK; a second COMPRESS
// refused with COMPRESSIONACTIVE; literals (synchronizing and LITERAL+), the line and literal
// limits, IDLE and LOGOUT through the compressed stream; a client sending a broken deflate stream is
// disconnected and the server goes on serving others.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient, startImap, type ImapHarness } from './harness.js';

const USER = 'cid@example.test';
const PASS = 'Cid-imap-secret-1';

async function loggedIn(h: ImapHarness): Promise<RawClient> {
  const c = await RawClient.connect(h.tlsPort, true);
  await c.until((s) => s.includes('\r\n'));
  assert.match(await c.command('l', `LOGIN ${USER} ${PASS}`), /^l OK/m);
  return c;
}

async function compressed(h: ImapHarness): Promise<RawClient> {
  const c = await loggedIn(h);
  assert.match(await c.command('z', 'COMPRESS DEFLATE'), /^z OK/m);
  c.compress();
  return c;
}

test('COMPRESS=DEFLATE on the wire', async (t) => {
  const h = await startImap({ limits: { maxLineBytes: 8192, maxLiteralBytes: 100_000 } });
  await h.t.addUser(USER, PASS);
  t.after(() => h.close());

  await t.test('announced after login only; not before STARTTLS, not with another algorithm', async () => {
    const plain = await RawClient.connect(h.port);
    assert.doesNotMatch(await plain.until((s) => s.includes('\r\n')), /COMPRESS/);
    assert.match(await plain.command('a', 'COMPRESS DEFLATE'), /^a BAD .*before login/m);
    // STARTTLS still works after the refused COMPRESS: nothing was switched.
    assert.match(await plain.command('b', 'STARTTLS'), /^b OK/m);
    await plain.upgrade();
    assert.doesNotMatch(await plain.command('c', 'CAPABILITY'), /COMPRESS/);
    plain.close();

    const c = await loggedIn(h);
    assert.match(await c.command('d', 'CAPABILITY'), /^\* CAPABILITY .*COMPRESS=DEFLATE/m);
    assert.match(await c.command('e', 'COMPRESS LZW'), /^e BAD/m);
    assert.match(await c.command('f', 'NOOP'), /^f OK/m, 'still uncompressed after the BAD');
    c.close();
  });

  await t.test('both directions are deflated after the OK; a second COMPRESS is refused', async () => {
    const c = await compressed(h);
    const wireBefore = c.wireBytesIn;
    const plainBefore = c.plainBytesIn;
    for (let i = 0; i < 5; i++) assert.match(await c.command(`n${i}`, 'CAPABILITY'), new RegExp(`^n${i} OK`, 'm'));
    const wire = c.wireBytesIn - wireBefore;
    const plain = c.plainBytesIn - plainBefore;
    // Five identical CAPABILITY answers compress far below their size (the TLS overhead included).
    assert.ok(plain > 1000 && wire < plain / 2, `received ${wire} bytes on the wire for ${plain} bytes of responses`);
    assert.match(await c.command('y', 'COMPRESS DEFLATE'), /^y NO \[COMPRESSIONACTIVE\]/m);
    assert.match(await c.command('x', 'NOOP'), /^x OK/m);
    c.close();
  });

  await t.test('literals and the line and literal limits through the compressed stream', async () => {
    const c = await compressed(h);
    const m = 'Subject: squeezed\r\n\r\n' + 'compress me '.repeat(500) + '\r\n';
    c.write(`b1 APPEND INBOX {${m.length}}\r\n`);
    assert.match(await c.until((s) => s.startsWith('+')), /^\+ /);
    c.write(`${m}\r\n`);
    assert.match(await c.until((s) => /^b1 /m.test(s)), /^b1 OK \[APPENDUID \d+ \d+\]/m);
    c.write(`b2 APPEND INBOX {${m.length}+}\r\n${m} {${m.length}+}\r\n${m}\r\n`);
    assert.match(await c.until((s) => /^b2 /m.test(s)), /^b2 OK \[APPENDUID \d+ \d+:\d+\]/m);
    assert.match(await c.command('b3', 'SELECT INBOX'), /\* 3 EXISTS/);
    const body = await c.command('b4', 'FETCH 1 BODY.PEEK[]');
    assert.ok(body.includes(`{${m.length}}\r\n${m}`), 'the appended message comes back whole');
    // A long line deflates to a few bytes; the limit applies to what it inflates to.
    c.write(`b5 NOOP ${'x'.repeat(20_000)}\r\n`);
    assert.match(await c.until((s) => /^b5 /m.test(s)), /^b5 BAD \[TOOBIG\]/m);
    c.write('b6 APPEND INBOX {200000}\r\n');
    assert.match(await c.until((s) => /^b6 /m.test(s)), /^b6 BAD \[TOOBIG\]/m);
    assert.match(await c.command('b7', 'NOOP'), /^b7 OK/m);
    c.close();
  });

  await t.test('IDLE is woken through the compressed stream; LOGOUT ends it cleanly', async () => {
    const a = await compressed(h);
    const b = await loggedIn(h);
    assert.match(await a.command('s', 'SELECT INBOX'), /^s OK/m);
    a.write('i IDLE\r\n');
    assert.match(await a.until((s) => s.startsWith('+')), /^\+ /);
    const m = 'Subject: wake up\r\n\r\nhello\r\n';
    assert.match(await b.command('ap', `APPEND INBOX {${m.length}+}\r\n${m}`), /^ap OK/m);
    assert.match(await a.until((s) => /\* \d+ EXISTS/.test(s)), /\* \d+ EXISTS/);
    a.write('DONE\r\n');
    assert.match(await a.until((s) => /^i /m.test(s)), /^i OK/m);
    const bye = await a.command('o', 'LOGOUT');
    assert.match(bye, /^\* BYE/m);
    assert.match(bye, /^o OK/m);
    b.close();
  });

  await t.test('a broken deflate stream closes that connection, and only that one', async () => {
    const other = await compressed(h);
    const c = await compressed(h);
    // 0xff: final block of the reserved type 11 (RFC 1951 §3.2.3), which no inflater accepts.
    c.writeRaw(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00, 0x01]));
    await c.until(() => false, 30_000);
    assert.ok(c.closed, 'the server closed the connection');
    assert.match(await other.command('p', 'NOOP'), /^p OK/m);
    const fresh = await loggedIn(h);
    assert.match(await fresh.command('q', 'NOOP'), /^q OK/m);
    other.close();
    fresh.close();
  });
});
