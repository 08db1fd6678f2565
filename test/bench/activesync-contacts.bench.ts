/**
 * ActiveSync contacts benchmark (issue 14), in process through app.inject (one core, no sockets):
 *   npm run bench -- activesync-contacts
 * 1. Initial sync of 1,000 vCard contacts at WindowSize 100: a first device (every item converted),
 *    then a second device of the same user (converted versions come from the cache).
 * 2. Ping wakes on a store write, then the Sync that returns the one changed item: ms per cycle.
 * 3. Ping round trip with a change pending (answered at once): requests per second.
 * Median of BENCH_RUNS (default 5) after one warm-up; real password checks (cached after the first).
 * Besides wall time, CPU time of the process (process.cpuUsage: server and the test device's
 * WBXML codec together, so an upper bound of the server's): on a loaded machine wall time is
 * mostly the wait for a core. Requests per second per core = 1000 / CPU ms per request.
 */
import { loadavg } from 'node:os';
import { el } from '../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../protocols/activesync/sync/classes.js';
import { makeHarness, SETTINGS } from '../protocols/activesync/harness.js';
import { collection, commands, keyOf, phone, primed, sync, vcard } from '../protocols/activesync/sync/helpers.js';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const P = 'Ping';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const spread = (xs: number[], d = 1) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}-${Math.max(...xs).toFixed(d)})`;

async function main(): Promise<void> {
  const h = await makeHarness({ ...SETTINGS, activesync: { ...SETTINGS.activesync, minHeartbeat: 1, maxHeartbeat: 600 } });
  try {
    const acc = await h.addUser('bench@example.com', 'bench-pass-1');
    const f = (await h.ctx.store.findFolderByRole(acc.id, 'contacts'))!;
    for (let i = 0; i < CONTACTS; i += 500) {
      await h.ctx.store.createItems(
        Array.from({ length: Math.min(500, CONTACTS - i) }, (_, j) => ({
          folderId: f.id,
          name: `c${i + j}.vcf`,
          ...ITEM_CLASSES.Contacts.fields(
            vcard(
              `c-${i + j}`,
              `Person${i + j}`,
              'Example',
              `EMAIL;TYPE=WORK:p${i + j}@example.org\r\nTEL;TYPE=CELL:+1 555 ${1000 + i + j}\r\nORG:Example Corp;Sales\r\nADR;TYPE=WORK:;;1 Main St;Springfield;IL;62701;US\r\nNOTE:A note for contact ${i + j}.\r\n`,
            ),
          ),
        })),
      );
    }
    const id = String(f.id);
    const initial: Record<string, number[]> = { 'first device': [], 'second device (cache warm)': [] };
    const initialCpu: Record<string, number[]> = { 'first device': [], 'second device (cache warm)': [] };
    for (let r = 0; r <= RUNS; r++) {
      for (const label of Object.keys(initial)) {
        const p = await phone(h, 'bench@example.com', 'bench-pass-1', `B${r}${label.length}`, '14.1');
        const t0 = performance.now();
        const c0 = cpuMs();
        const { items } = await primed(p, id);
        const ms = performance.now() - t0;
        const cpu = cpuMs() - c0;
        if (items.length !== CONTACTS) throw new Error(`synced ${items.length} of ${CONTACTS}`);
        if (r > 0) { initial[label].push(ms); initialCpu[label].push(cpu); }
        // A new run's first device must convert again: touch every item (new modseqs).
        if (label !== 'first device') {
          const all = await h.ctx.store.listItems(f.id);
          for (const it of all) await h.ctx.store.updateItem(it.id, { summary: `${it.summary ?? ''}` });
        }
      }
    }
    // 2. Ping, write, wake, Sync of one item.
    const p = await phone(h, 'bench@example.com', 'bench-pass-1', 'BPING', '14.1');
    let { key } = await primed(p, id);
    const items = await h.ctx.store.listItems(f.id, { limit: RUNS + 2 });
    const pingBody = el(P, 'Ping', [
      el(P, 'HeartbeatInterval', '300'),
      el(P, 'Folders', [el(P, 'Folder', [el(P, 'Id', id), el(P, 'Class', 'Contacts')])]),
    ]);
    const wake: number[] = [];
    const wakeCpu: number[] = [];
    for (let r = 0; r <= RUNS; r++) {
      const ping = p.dev.send('Ping', pingBody);
      await new Promise((res) => setTimeout(res, 200)); // let the Ping be held before the write
      const t0 = performance.now();
      const c0 = cpuMs();
      await h.ctx.store.updateItem(items[r].id, { summary: `changed ${r}` });
      const answer = await ping;
      const s = await sync(p, { key, id, windowSize: 100 });
      const c = collection(s.doc, id);
      if (commands(c).length !== 1 || answer.status !== 200) throw new Error('expected one change');
      key = keyOf(c);
      if (r > 0) { wake.push(performance.now() - t0); wakeCpu.push(cpuMs() - c0); }
    }
    // 3. Ping round trips answered at once (a change is pending and stays pending).
    await h.ctx.store.updateItem(items[RUNS + 1].id, { summary: 'pending' });
    const rates: number[] = [];
    const pingCpu: number[] = [];
    for (let r = 0; r <= RUNS; r++) {
      const n = 200;
      const t0 = performance.now();
      const c0 = cpuMs();
      for (let i = 0; i < n; i++) await p.dev.send('Ping', pingBody);
      if (r > 0) { rates.push(n / ((performance.now() - t0) / 1000)); pingCpu.push((cpuMs() - c0) / n); }
    }
    // primed(): one SyncKey 0 request, then one request per window.
    const requests = 1 + Math.ceil(CONTACTS / 100);
    console.log(`${CONTACTS} contacts, WindowSize 100, median (min-max) of ${RUNS} runs after a warm-up; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.table([
      ...Object.keys(initial).flatMap((k) => [
        { measure: `initial sync, ${k}: wall ms per window`, value: spread(initial[k].map((x) => x / requests)) },
        { measure: `initial sync, ${k}: CPU ms per window`, value: spread(initialCpu[k].map((x) => x / requests)) },
      ]),
      { measure: 'Ping woken by a write + Sync of the one change: wall ms per cycle', value: spread(wake) },
      { measure: 'Ping woken by a write + Sync of the one change: CPU ms per cycle (2 requests)', value: spread(wakeCpu, 2) },
      { measure: 'Ping wake + Sync cycles per second per core', value: (1000 / median(wakeCpu)).toFixed(0) },
      { measure: 'Ping round trip, change pending: wall requests/s', value: spread(rates, 0) },
      { measure: 'Ping round trip: CPU ms per request', value: spread(pingCpu, 2) },
      { measure: 'Ping round trips per second per core', value: (1000 / median(pingCpu)).toFixed(0) },
    ]);
  } finally {
    await h.close();
  }
}

void main();
