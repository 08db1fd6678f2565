/**
 * Email over ActiveSync benchmark (issue 12):  npm run bench -- activesync-mail
 * 1. Initial sync of BENCH_MESSAGES (default 10,000) messages of realistic sizes (plain notes,
 *    HTML newsletters, some with attachments), delivered into the store, at WindowSize 100 with a
 *    plain-text preview (BodyPreference Type 1, TruncationSize 512, Preview 255): seconds,
 *    requests, bytes on the wire (request and answer bodies). In process through app.inject.
 * 2. A message with a BENCH_ATTACHMENT_MB (default 10) MB attachment, over a real HTTP listener
 *    (the client reads and discards the answer, so only the server's memory is in the figures):
 *    ItemOperations Fetch of the attachment (inline base64 and multipart), and SmartForward of
 *    the message. Reported: peak process RSS and peak heap+external+arrayBuffers during the
 *    request, minus the value just before it (sampled every 2 ms after a GC).
 */
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { el, type WbxmlElement } from '../../protocols/activesync/wbxml/types.js';
import { encodeWbxml } from '../../protocols/activesync/wbxml/index.js';
import { parseMessage } from '../../src/mail/parse.js';
import { deliver } from '../../src/mail/deliver.js';
import { mailHarness } from '../protocols/activesync/mail/harness.js';
import { basic } from '../protocols/activesync/harness.js';
import { child } from '../../protocols/activesync/wbxml/types.js';
import { collection, commands, keyOf, syncRequest, type Phone } from '../protocols/activesync/sync/helpers.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const ATTACHMENT_MB = Number(process.env.BENCH_ATTACHMENT_MB ?? 10);
const PW = 'bench-pass-1';
const B = 'AirSyncBase';
const IO = 'ItemOperations';
const CM = 'ComposeMail';

const words = 'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were'.split(' ');
function prose(n: number, seed: number): string {
  const out: string[] = [];
  let x = seed * 2654435761 >>> 0;
  let line = '';
  let len = 0;
  while (len + line.length < n) {
    x = (x * 1103515245 + 12345) >>> 0;
    line += words[x % words.length] + ' ';
    if (line.length > 70) { out.push(line.trimEnd() + '\r\n'); len += line.length + 1; line = ''; }
  }
  return out.join('') + line;
}

/** One message of a realistic mix: 60% plain notes (1-4 KB), 30% HTML alternative (8-40 KB), 10% with a 20-200 KB attachment. */
function message(i: number): Buffer {
  const head = `From: Sender ${i % 50} <s${i % 50}@example.net>\r\nTo: bench@example.test\r\nSubject: Message number ${i}\r\n` +
    `Date: ${new Date(Date.UTC(2026, 0, 1) + i * 60_000).toUTCString()}\r\nMessage-ID: <m${i}@example.net>\r\nMIME-Version: 1.0\r\n`;
  const kind = i % 10;
  if (kind < 6) return Buffer.from(`${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${prose(1000 + (i * 37) % 3000, i)}\r\n`);
  const text = prose(800 + (i * 53) % 2000, i);
  const html = `<html><body><table>${prose(6000 + (i * 97) % 30000, i + 1).split('\r\n').map((l) => `<tr><td style="font-family:Arial">${l}</td></tr>`).join('\r\n')}</table></body></html>`;
  const alt = `Content-Type: multipart/alternative; boundary="alt${i}"\r\n\r\n--alt${i}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n` +
    `--alt${i}\r\nContent-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n--alt${i}--\r\n`;
  if (kind < 9) return Buffer.from(head + alt);
  const att = randomBytes(20_000 + (i * 7919) % 180_000).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(`${head}Content-Type: multipart/mixed; boundary="mix${i}"\r\n\r\n--mix${i}\r\n${alt}\r\n--mix${i}\r\n` +
    `Content-Type: application/pdf; name="doc${i}.pdf"\r\nContent-Disposition: attachment; filename="doc${i}.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${att}\r\n--mix${i}--\r\n`);
}

/** A POST over HTTP whose answer is read and dropped; resolves with the answer's length. */
function post(port: number, p: Phone, cmd: string, body: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number }> {
  const q = new URLSearchParams({ Cmd: cmd, User: p.dev.user, DeviceId: p.dev.deviceId, DeviceType: p.dev.deviceType }).toString();
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: `/Microsoft-Server-ActiveSync?${q}`,
      headers: {
        authorization: basic(p.dev.user, p.dev.password), 'ms-asprotocolversion': p.dev.version, 'content-type': 'application/vnd.ms-sync.wbxml',
        'x-ms-policykey': p.dev.policyKey ?? '0', 'content-length': String(body.length), ...headers,
      },
    }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => { n += c.length; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: n }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** With BENCH_PROFILE=dir: a CPU profile of the measured part only (node:inspector). */
async function profiler(): Promise<(name: string) => Promise<void>> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return async () => {};
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const s = new Session();
  s.connect();
  await s.post('Profiler.enable');
  await s.post('Profiler.start');
  return async (name) => {
    const { profile } = await s.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/${name}.cpuprofile`, JSON.stringify(profile));
    s.disconnect();
  };
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const heapish = () => { const u = process.memoryUsage(); return u.heapUsed + u.external + u.arrayBuffers; };

/** Runs `f` while sampling memory; peak minus the value just before (after a GC). */
async function measured<T>(f: () => Promise<T>): Promise<{ result: T; rss: number; heap: number; ms: number }> {
  gc(); gc();
  const rss0 = process.memoryUsage.rss();
  const heap0 = heapish();
  let rss = rss0;
  let heap = heap0;
  const timer = setInterval(() => { rss = Math.max(rss, process.memoryUsage.rss()); heap = Math.max(heap, heapish()); }, 2);
  const t0 = performance.now();
  try {
    const result = await f();
    rss = Math.max(rss, process.memoryUsage.rss());
    heap = Math.max(heap, heapish());
    return { result, rss: rss - rss0, heap: heap - heap0, ms: performance.now() - t0 };
  } finally {
    clearInterval(timer);
  }
}

async function main(): Promise<void> {
  const m = await mailHarness();
  try {
    const acc = await m.h.addUser('bench@example.test', PW);
    const inbox = (await m.h.store.findFolderByRole(acc.id, 'inbox'))!;

    // 2 first, while the process is small: the large attachment.
    const big = randomBytes(ATTACHMENT_MB * 1048576);
    const bigMime = Buffer.from('From: carl@example.net\r\nTo: bench@example.test\r\nSubject: big attachment\r\nMessage-ID: <big@example.net>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nThe data.\r\n--b\r\nContent-Type: application/octet-stream; name="data.bin"\r\n' +
      'Content-Disposition: attachment; filename="data.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n' + big.toString('base64').replace(/.{76}/g, '$&\r\n') + '\r\n--b--\r\n');
    await deliver(m.h.store, ['bench@example.test'], bigMime, { envelope: { mailFrom: 'carl@example.net' } });
    const bigMsg = (await m.h.store.listMessages(inbox.id)).find((x) => x.parsed.subject === 'big attachment')!;
    const encodedBytes = bigMime.length;
    await m.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (m.app.server.address() as AddressInfo).port;
    const p = await m.phone('bench@example.test', PW, 'BENCHMAIL1', '14.1');
    const ref = `${inbox.id}:${bigMsg.itemId}:2`;
    const fetchBody = encodeWbxml(el(IO, 'ItemOperations', [el(IO, 'Fetch', [el(IO, 'Store', 'Mailbox'), el(B, 'FileReference', ref)])]));
    const rows: [string, string, string, string, string][] = [];
    for (const [label, headers] of [['ItemOperations Fetch, inline base64', {}], ['ItemOperations Fetch, multipart', { 'ms-asacceptmultipart': 'T' }]] as const) {
      const r = await measured(() => post(port, p, 'ItemOperations', fetchBody, headers));
      if (r.result.status !== 200 || r.result.bytes < big.length) throw new Error(`${label}: ${r.result.status}, ${r.result.bytes} bytes`);
      rows.push([label, mb(r.result.bytes), mb(r.rss), mb(r.heap), `${Math.round(r.ms)} ms`]);
    }
    const fwd = encodeWbxml(el(CM, 'SmartForward', [el(CM, 'ClientId', 'bench-fwd'), el(CM, 'SaveInSentItems'),
      el(CM, 'Source', [el(CM, 'FolderId', String(inbox.id)), el(CM, 'ItemId', `${inbox.id}:${bigMsg.itemId}`)]),
      el(CM, 'Mime', Buffer.from('From: bench@example.test\r\nTo: dana@example.net\r\nSubject: Fw: big attachment\r\n\r\nFYI\r\n'))]));
    const f = await measured(() => post(port, p, 'SmartForward', fwd));
    if (f.result.status !== 200 || m.outbound.sent.length !== 1 || m.outbound.sent[0].bytes.length < encodedBytes) throw new Error('SmartForward did not send the attachment');
    rows.push(['SmartForward (Outbound gets the whole message, SaveInSentItems)', mb(m.outbound.sent[0].bytes.length), mb(f.rss), mb(f.heap), `${Math.round(f.ms)} ms`]);
    m.outbound.sent.length = 0;
    console.log(`\n${ATTACHMENT_MB} MB attachment (${mb(encodedBytes)} message):\n`);
    console.log('| request | answer / sent | peak RSS delta | peak heap+buffers delta | time |\n|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.join(' | ')} |`);

    // 1. The 10,000 messages.
    const t0 = performance.now();
    let stored = 0;
    // In batches of one transaction each (appendMessages): delivery speed is not what is measured.
    for (let i = 0; i < MESSAGES; i += 250) {
      const batch = [];
      for (let j = i; j < Math.min(MESSAGES, i + 250); j++) {
        const bytes = message(j);
        stored += bytes.length;
        batch.push({ bytes, parsed: await parseMessage(bytes), internalDate: Date.UTC(2026, 0, 1) + j * 60_000 });
      }
      await m.h.store.appendMessages(inbox.id, batch);
    }
    console.log(`\nstored ${MESSAGES} messages (${mb(stored)}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const id = String(inbox.id);
    const options: WbxmlElement[] = [el(B, 'BodyPreference', [el(B, 'Type', '1'), el(B, 'TruncationSize', '512'), el(B, 'Preview', '255')])];
    const runs = Number(process.env.BENCH_RUNS ?? 2);
    for (let run = 0; run < runs; run++) {
      const ph = await m.phone('bench@example.test', PW, `BENCHSYNC${run}`, '14.1');
      let requests = 0;
      let up = 0;
      let down = 0;
      const send = async (body: WbxmlElement) => {
        const bytes = encodeWbxml(body);
        requests++;
        up += bytes.length;
        const r = await ph.dev.send('Sync', bytes);
        down += r.raw.length;
        return r;
      };
      const prof = await profiler();
      const s0 = performance.now();
      const r0 = await send(syncRequest([{ key: '0', id, options }]));
      let key = keyOf(collection(r0.doc, id));
      let items = 0;
      for (;;) {
        const r = await send(syncRequest([{ key, id, windowSize: 100, options }]));
        const c = collection(r.doc, id);
        key = keyOf(c);
        items += commands(c, 'Add').length;
        if (!child(c, 'MoreAvailable', 'AirSync')) break;
      }
      const secs = (performance.now() - s0) / 1000;
      await prof(`sync-${run}`);
      if (items !== MESSAGES + 1) throw new Error(`synced ${items} of ${MESSAGES + 1}`);
      console.log(`initial sync run ${run + 1}: ${items} messages at WindowSize 100, Type 1 truncated to 512 + Preview 255: ` +
        `${secs.toFixed(1)} s, ${requests} requests, ${mb(up)} up, ${mb(down)} down (${(items / secs).toFixed(0)} messages/s)`);
    }
  } finally {
    await m.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
