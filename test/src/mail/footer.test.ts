/**
 * The domain footer on messages nodemailer builds: plain, html, alternative, mixed with an
 * attachment, quoted-printable and base64 bodies, a non-UTF-8 charset; attachments unchanged,
 * signed mail untouched, hostile structures survive. Every result is read back by our parser
 * and by mailparser (a parser we did not write).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { simpleParser } from 'mailparser';
import { appendFooter, type Footer } from '../../../src/mail/footer.js';
import { parseMessage } from '../../../src/mail/parse.js';
import { decodedBody } from '../../../src/mail/part-content.js';

const FOOTER: Footer = { text: 'Acme Ltd · Registered in Cardiff', html: '<p><b>Acme Ltd</b> &middot; Registered in Cardiff</p>' };
const ATTACHMENT = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 37) % 256));

const build = (opts: ConstructorParameters<typeof MailComposer>[0]) =>
  new MailComposer({ from: 'ann@acme.test', to: 'x@example.net', subject: 'Report', ...opts }).compile().build();

describe('domain footer', () => {
  it('plain text: appended after the body; the header fields are kept', async () => {
    const raw = await build({ text: 'Hello,\nthe report.\n' });
    const out = await appendFooter(raw, FOOTER);
    const m = await simpleParser(out);
    assert.equal(m.text, 'Hello,\nthe report.\n\nAcme Ltd · Registered in Cardiff\n');
    assert.equal(m.subject, 'Report');
    assert.equal(m.messageId, (await simpleParser(raw)).messageId);
  });

  it('html only: the HTML footer goes before </body>', async () => {
    const raw = await build({ html: '<html><body><p>Hello</p></body></html>' });
    const m = await simpleParser(await appendFooter(raw, FOOTER));
    assert.match(
      m.html as string,
      /<p>Hello<\/p><div class="hearth-footer"><p><b>Acme Ltd<\/b> &middot; Registered in Cardiff<\/p><\/div>\n<\/body><\/html>/,
    );
  });

  it('multipart/alternative: both alternatives get their footer; a text-only footer is escaped into HTML', async () => {
    const raw = await build({ text: 'Hello', html: '<p>Hello &amp; welcome</p>' });
    const both = await simpleParser(await appendFooter(raw, FOOTER));
    assert.match(both.text!, /Hello\n\nAcme Ltd · Registered in Cardiff\n$/);
    assert.match(both.html as string, /welcome<\/p>\n<div class="hearth-footer"><p><b>Acme Ltd/);
    const textOnly = await simpleParser(await appendFooter(raw, { text: 'Tom & Jerry <legal>', html: null }));
    assert.match(textOnly.html as string, /Tom &amp; Jerry &lt;legal&gt;/);
  });

  it('multipart/mixed with an attachment: the body is footed, the attachment bytes are unchanged', async () => {
    const raw = await build({
      text: 'See attached.',
      html: '<p>See attached.</p>',
      attachments: [
        { filename: 'data.bin', content: ATTACHMENT },
        { filename: 'notes.txt', content: 'attached text, not a body\n' },
      ],
    });
    const out = await appendFooter(raw, FOOTER);
    const m = await simpleParser(out);
    assert.match(m.text!, /See attached\.\n\nAcme Ltd/);
    assert.match(m.html as string, /hearth-footer/);
    assert.equal(m.attachments.length, 2);
    assert.ok(m.attachments[0].content.equals(ATTACHMENT));
    assert.equal(m.attachments[1].content.toString(), 'attached text, not a body\n');
    // The attachment's encoded bytes are the very same bytes as before.
    const before = (await parseMessage(raw)).mime.children![1];
    const after = (await parseMessage(out)).mime.children![1];
    assert.ok(raw.subarray(before.headerStart, before.bodyEnd).equals(out.subarray(after.headerStart, after.bodyEnd)));
    assert.ok((await decodedBody(out, after)).equals(ATTACHMENT));
  });

  it('quoted-printable and base64 bodies are decoded, footed and encoded again in the same transfer encoding', async () => {
    const qp = await build({ text: `Grüße ${'long line '.repeat(20)}`, textEncoding: 'quoted-printable' });
    const qpOut = await appendFooter(qp, FOOTER);
    assert.match(qpOut.toString(), /Content-Transfer-Encoding: quoted-printable/i);
    assert.match((await simpleParser(qpOut)).text!, /^Grüße long line .*\n\nAcme Ltd · Registered in Cardiff\n$/s);
    const b64 = await build({ text: 'Grüße aus Köln', textEncoding: 'base64' });
    const b64Out = await appendFooter(b64, FOOTER);
    assert.match(b64Out.toString(), /Content-Transfer-Encoding: base64/i);
    assert.equal((await simpleParser(b64Out)).text, 'Grüße aus Köln\n\nAcme Ltd · Registered in Cardiff\n');
  });

  it('a non-UTF-8 charset is read in that charset and written back as UTF-8', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('From: ann@acme.test\r\nTo: x@example.net\r\nSubject: Gruss\r\nMIME-Version: 1.0\r\n'),
      Buffer.from('Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
      Buffer.from('Gr\xfc\xdfe aus K\xf6ln\r\n', 'latin1'),
    ]);
    const out = await appendFooter(latin1, FOOTER);
    const m = await simpleParser(out);
    assert.equal(m.text, 'Grüße aus Köln\n\nAcme Ltd · Registered in Cardiff\n');
    assert.match(out.toString(), /charset=utf-8/i);
    // windows-1252 0x80 is the euro sign (libmime's tables; Node 20's TextDecoder would say U+0080).
    const cp1252 = Buffer.from(
      latin1.toString('latin1').replace('iso-8859-1', 'windows-1252').replace('Gr\xfc\xdfe aus K\xf6ln', 'Preis: 5 \x80'),
      'latin1',
    );
    assert.equal((await simpleParser(await appendFooter(cp1252, FOOTER))).text, 'Preis: 5 €\n\nAcme Ltd · Registered in Cardiff\n');
  });

  it('signed mail (multipart/signed, S/MIME, inline PGP) is left byte for byte', async () => {
    const signed = Buffer.from(
      [
        'From: ann@acme.test',
        'To: x@example.net',
        'Subject: signed',
        'MIME-Version: 1.0',
        'Content-Type: multipart/signed; protocol="application/pgp-signature"; micalg=pgp-sha256; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain',
        '',
        'Signed text',
        '--b1',
        'Content-Type: application/pgp-signature',
        '',
        '-----BEGIN PGP SIGNATURE-----',
        'abc',
        '-----END PGP SIGNATURE-----',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    assert.ok((await appendFooter(signed, FOOTER)).equals(signed));
    const smime = Buffer.from(
      'From: ann@acme.test\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m\r\nContent-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQA=\r\n',
    );
    assert.ok((await appendFooter(smime, FOOTER)).equals(smime));
    const pgp = await build({
      text: '-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nhi\n-----BEGIN PGP SIGNATURE-----\nxyz\n-----END PGP SIGNATURE-----\n',
    });
    assert.ok((await appendFooter(pgp, FOOTER)).equals(pgp));
  });

  it('no footer, or no text body (only an attachment): unchanged', async () => {
    const raw = await build({ text: 'Hello' });
    assert.ok((await appendFooter(raw, { text: null, html: '  ' })).equals(raw));
    const onlyAttachment = await build({ attachments: [{ filename: 'a.pdf', content: ATTACHMENT, contentType: 'application/pdf' }] });
    assert.ok((await appendFooter(onlyAttachment, FOOTER)).equals(onlyAttachment));
  });

  it('hostile structure: a broken multipart without closing boundary is still readable afterwards', async () => {
    const broken = Buffer.from(
      'From: a@acme.test\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nbody without end\r\n',
    );
    const out = await appendFooter(broken, FOOTER);
    assert.match((await simpleParser(out)).text ?? '', /body without end[\s\S]*Acme Ltd/);
  });
});
