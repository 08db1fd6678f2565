/**
 * PostgreSQL round trips and statements per IMAP command of the bench's loop (imap.bench.ts):
 * every `pg.Client#query` of the server counted while one command runs, nothing else running.
 * Session A does LOGIN, then rounds of SELECT INBOX, FETCH 20 (FLAGS ENVELOPE), UID SEARCH
 * SUBJECT, STORE, then LOGOUT; with OTHER=1 (the default) session B, on the same account, changes
 * a flag before each of A's commands, as the bench's other sessions of the account do, so A's
 * change checks find something. A round trip is one `query` call (pg sends the next only after
 * the answer); statements are counted by their `;`-joined parts. VERBOSE=1 prints the SQL.
 * Run: node --import tsx test/bench/imap-round-trips.ts   (ROOT=<another checkout>, R=3)
 */
import pg from 'pg';
const root = process.env.ROOT ?? new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const R = Number(process.env.R ?? 3);
const OTHER = process.env.OTHER !== '0';
const VERBOSE = process.env.VERBOSE === '1';
const BODY = 'Lorem ipsum dolor sit amet.\r\n'.repeat(40);

let counting = false;
/** Per round trip, its SQL texts: queries written while others of the same client are in flight (pg's pipeline mode) share one. */
let trips: string[][] = [];
const inFlight = new WeakMap<pg.Client, number>();
const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client & { pipeline?: boolean }, ...args: unknown[]) {
  const shared = this.pipeline === true && (inFlight.get(this) ?? 0) > 0;
  if (counting) {
    const q = args[0] as string | { text: string; name?: string };
    const text = typeof q === 'string' ? q : `${q.name ? `[${q.name}] ` : ''}${q.text}`;
    if (shared && trips.length > 0) trips[trips.length - 1].push(text);
    else trips.push([text]);
  }
  inFlight.set(this, (inFlight.get(this) ?? 0) + 1);
  const r = query.apply(this, args) as Promise<unknown>;
  const done = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
  r.then(done, done);
  return r;
} as never;

const { startImap, RawClient } = await import(`${root}/test/protocols/imap/harness.ts`);
const h = await startImap({ backend: 'postgres', limits: { commandsPerSecond: 1e9, commandBurst: 1e9 } });
await h.t.addUser('a@rt.test', 'Bench-secret-1');
const login = async () => {
  const c = await RawClient.connect(h.tlsPort, true);
  await c.until((x: string) => x.includes('\r\n'));
  return c;
};
const a = await login();
const b = await login();
await b.command('l', 'LOGIN a@rt.test Bench-secret-1');
for (let i = 0; i < 60; i++) {
  const m = `From: S <s@example.net>\r\nSubject: message ${i} ${i % 10 === 0 ? 'needle' : 'hay'}\r\nMessage-ID: <${i}@rt>\r\n\r\n${BODY}`;
  await b.command('a', `APPEND INBOX {${m.length}+}\r\n${m}`);
}
await b.command('s', 'SELECT INBOX');

const totals = new Map<string, { trips: number; statements: number; n: number }>();
let flip = 0;
async function measured(op: string, text: string): Promise<void> {
  if (OTHER && op !== 'login') await b.command('o', `STORE ${30 + (flip++ % 20)} ${flip % 2 ? '+' : '-'}FLAGS (x${flip % 3})`);
  await new Promise((r) => setTimeout(r, 50)); // B's notifications and any late work settle
  trips = [];
  counting = true;
  const r = await a.command('x', text);
  await new Promise((r) => setTimeout(r, 50)); // anything the command left running
  counting = false;
  if (!/^x OK/m.test(r)) throw new Error(`${text}: ${r}`);
  const t = totals.get(op) ?? { trips: 0, statements: 0, n: 0 };
  t.trips += trips.length;
  t.statements += trips.flat().reduce((s, q) => s + q.split(/;\s*(?=[a-z(])/i).length, 0);
  t.n++;
  totals.set(op, t);
  if (VERBOSE) console.log(`--- ${text}\n${trips.map((t) => t.map((q, k) => `  ${k ? '+ ' : ''}${q.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n')).join('\n')}`);
}

await measured('login', 'LOGIN a@rt.test Bench-secret-1');
for (let r = 0; r < R; r++) {
  const first = 1 + r * 7;
  await measured('select', 'SELECT INBOX');
  await measured('fetch', `FETCH ${first}:${first + 19} (FLAGS ENVELOPE)`);
  await measured('search', 'UID SEARCH SUBJECT needle');
  await measured('store', `STORE ${first} ${r % 2 ? '-' : '+'}FLAGS (\\Seen)`);
}
await measured('logout', 'LOGOUT');
console.log(`${root}, other session ${OTHER ? 'changing the folder before each command' : 'idle'}`);
console.log('| command | round trips | statements |\n| --- | ---: | ---: |');
for (const [op, t] of totals) console.log(`| ${op} | ${(t.trips / t.n).toFixed(1)} | ${(t.statements / t.n).toFixed(1)} |`);
b.close();
await h.close();
process.exit(0);
