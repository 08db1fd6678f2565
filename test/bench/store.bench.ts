/**
 * Store benchmark on both backends: 100,000 items across 100 folders (batched, as an import
 * does), single-item writes (as a client's PUT does), changesSince after 1% of the items
 * changed, and a 1,000-item folder listing. Prints a table; asserts nothing about time.
 * Run: npm run bench -- store
 */
import { performance } from 'node:perf_hooks';
import { storeFactories } from '../helpers/stores.js';
import type { Store } from '../../src/store/store.js';
import type { Folder } from '../../src/model/types.js';

const FOLDERS = 100;
const PER_FOLDER = 1000;
const SINGLE_WRITES = 1000;

interface Row { backend: string; op: string; figure: string }
const rows: Row[] = [];

function vevent(uid: string, i: number): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Hearth//bench//EN', 'BEGIN:VEVENT', `UID:${uid}`,
    'DTSTAMP:20260101T000000Z', `DTSTART:202601${String(1 + (i % 28)).padStart(2, '0')}T090000Z`,
    `DTEND:202601${String(1 + (i % 28)).padStart(2, '0')}T100000Z`, `SUMMARY:Event ${i}`, 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

/** Median of `n` runs of fn, in ms. */
async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push((await time(fn))[1]);
  return times.sort((a, b) => a - b)[Math.floor(n / 2)];
}

async function bench(name: string, store: Store): Promise<void> {
  const domain = await store.createDomain({ name: 'bench.example' });
  const account = await store.createAccount({ domainId: domain.id, email: 'bench@bench.example' });
  const folders: Folder[] = [];
  for (let f = 0; f < FOLDERS; f++) folders.push(await store.createFolder({ accountId: account.id, name: `Cal ${f}`, kind: 'calendar' }));

  // 1. Bulk insert: 100 folders x 1,000 items, one transaction per folder.
  const [, insertMs] = await time(async () => {
    for (const [f, folder] of folders.entries()) {
      await store.createItems(Array.from({ length: PER_FOLDER }, (_, i) => {
        const uid = `f${f}-i${i}`;
        const start = Date.UTC(2026, 0, 1 + (i % 28), 9);
        return { folderId: folder.id, name: `${uid}.ics`, uid, content: vevent(uid, i), componentType: 'VEVENT', summary: `Event ${i}`, startAt: start, endAt: start + 3_600_000 };
      }));
    }
  });
  rows.push({ backend: name, op: `insert ${FOLDERS * PER_FOLDER} items (batches of ${PER_FOLDER})`, figure: `${(insertMs / 1000).toFixed(2)} s (${Math.round(FOLDERS * PER_FOLDER / (insertMs / 1000))} items/s)` });

  // 2. Single writes, each its own committed transaction (a DAV PUT, an EAS Add).
  const single = await store.createFolder({ accountId: account.id, name: 'Single', kind: 'calendar' });
  const [, singleMs] = await time(async () => {
    for (let i = 0; i < SINGLE_WRITES; i++) await store.createItem({ folderId: single.id, name: `s${i}.ics`, uid: `s${i}`, content: vevent(`s${i}`, i) });
  });
  rows.push({ backend: name, op: `${SINGLE_WRITES} single-item commits`, figure: `${(singleMs / SINGLE_WRITES).toFixed(2)} ms each` });

  // 3. Change 1% of all items (10 per folder), then ask one folder what changed.
  const target = folders[50];
  const baseline = await store.accountModseq(account.id);
  for (const folder of folders) {
    const items = await store.listItems(folder.id, { limit: 10, withoutContent: true });
    for (const it of items) await store.updateItem(it.id, { summary: 'changed' });
  }
  const changes = await store.changesSince(target.id, baseline);
  const changesMs = await median(21, () => store.changesSince(target.id, baseline));
  rows.push({ backend: name, op: `changesSince (1% changed: ${changes.changed.length} of ${PER_FOLDER} in the folder)`, figure: `${changesMs.toFixed(2)} ms` });
  const noneMs = await median(21, () => store.changesSince(target.id, changes.modseq));
  rows.push({ backend: name, op: 'changesSince (nothing changed)', figure: `${noneMs.toFixed(2)} ms` });

  // 4. Listing a 1,000-item folder: with content (CalDAV multiget-like) and ETags only (PROPFIND).
  const listMs = await median(11, () => store.listItems(target.id));
  rows.push({ backend: name, op: `list ${PER_FOLDER}-item folder with content`, figure: `${listMs.toFixed(2)} ms` });
  const listLightMs = await median(11, () => store.listItems(target.id, { withoutContent: true }));
  rows.push({ backend: name, op: `list ${PER_FOLDER}-item folder without content`, figure: `${listLightMs.toFixed(2)} ms` });
  const rangeMs = await median(11, () => store.listItems(target.id, { from: Date.UTC(2026, 0, 5), to: Date.UTC(2026, 0, 12), withoutContent: true }));
  rows.push({ backend: name, op: 'time-range listing (one week of the folder)', figure: `${rangeMs.toFixed(2)} ms` });
}

for (const factory of await storeFactories()) {
  if (factory.skip) {
    console.log(`# ${factory.skip}`);
    continue;
  }
  const opened = await factory.open();
  try {
    await bench(factory.name, opened.store);
  } finally {
    await opened.dispose();
  }
}

const w = Math.max(...rows.map((r) => r.op.length));
console.log(`| backend  | ${'operation'.padEnd(w)} | figure |`);
console.log(`| -------- | ${'-'.repeat(w)} | ------ |`);
for (const r of rows) console.log(`| ${r.backend.padEnd(8)} | ${r.op.padEnd(w)} | ${r.figure} |`);
