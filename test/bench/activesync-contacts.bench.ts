/**
 * ActiveSync contacts benchmark (issue 14), in process through app.inject (one core, no sockets):
 *   npm run bench -- activesync-contacts
 * 1. Initial sync of 1,000 vCard contacts at WindowSize 100: a first device (every item converted),
 *    then a second device of the same user (converted versions come from the cache).
 * 2. Ping wakes on a store write, then the Sync that returns the one changed item: ms per cycle.
 * 3. Ping round trip with a change pending (answered at once): requests per second.
 * Median of BENCH_RUNS (default 5) after one warm-up; real password checks (cached after the first).
 */
import { el } from '../../protocols/activesync/wbxml/types.js';
import { ITEM_CLASSES } from '../../protocols/activesync/sync/classes.js';
import { makeHarness, SETTINGS } from '../protocols/activesync/harness.js';
import { collection, commands, keyOf, phone, primed, sync, vcard } from '../protocols/activesync/sync/helpers.js';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const P = 'Ping';
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
    for (let r = 0; r <= RUNS; r++) {
      for (const label of Object.keys(initial)) {
        const p = await phone(h, 'bench@example.com', 'bench-pass-1', `B${r}${label.length}`, '14.1');
        const t0 = performance.now();
        const { items } = await primed(p, id);
        const ms = performance.now() - t0;
        if (items.length !== CONTACTS) throw new Error(`synced ${items.length} of ${CONTACTS}`);
        if (r > 0) initial[label].push(ms);
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
    for (let r = 0; r <= RUNS; r++) {
      const ping = p.dev.send('Ping', pingBody);
      await new Promise((res) => setTimeout(res, 200)); // let the Ping be held before the write
      const t0 = performance.now();
      await h.ctx.store.updateItem(items[r].id, { summary: `changed ${r}` });
      const answer = await ping;
      const s = await sync(p, { key, id, windowSize: 100 });
      const c = collection(s.doc, id);
      if (commands(c).length !== 1 || answer.status !== 200) throw new Error('expected one change');
      key = keyOf(c);
      if (r > 0) wake.push(performance.now() - t0);
    }
    // 3. Ping round trips answered at once (a change is pending and stays pending).
    await h.ctx.store.updateItem(items[RUNS + 1].id, { summary: 'pending' });
    const rates: number[] = [];
    for (let r = 0; r <= RUNS; r++) {
      const n = 200;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await p.dev.send('Ping', pingBody);
      if (r > 0) rates.push(n / ((performance.now() - t0) / 1000));
    }
    console.log(`${CONTACTS} contacts, WindowSize 100, median of ${RUNS} runs`);
    console.table([
      ...Object.entries(initial).map(([k, v]) => ({ measure: `initial sync, ${k}`, value: `${median(v).toFixed(0)} ms` })),
      { measure: 'Ping woken by a write + Sync of the one change', value: `${median(wake).toFixed(1)} ms` },
      { measure: 'Ping round trip, change pending', value: `${median(rates).toFixed(0)} requests/s` },
    ]);
  } finally {
    await h.close();
  }
}

void main();
