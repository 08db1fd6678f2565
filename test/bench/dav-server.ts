/**
 * Hearth's side of the DAV benchmark (dav.bench.ts), in a process of its own so that its CPU time
 * is the server's alone, as Radicale's is (the benchmark's HTTP client stays in the parent).
 * Started with an IPC channel: fills the calendar, listens, sends { base }; answers 'cpu' with
 * the CPU milliseconds this process has used so far, 'close' by closing and exiting.
 * DAV_BENCH_DATABASE: a PostgreSQL URL (SQLite in a temporary directory without it).
 */
import { extractCalendarFields } from '../../src/pim/extract.js';
import { createDavHarness } from '../protocols/dav/harness.js';
import { benchEvent, BENCH_USER, BENCH_PASSWORD } from './dav-events.js';

const events = Number(process.env.DAV_BENCH_EVENTS ?? 10_000);
const h = await createDavHarness(process.env.DAV_BENCH_DATABASE ? { database: process.env.DAV_BENCH_DATABASE } : {});
const account = await h.addUser(BENCH_USER, BENCH_PASSWORD);
const folder = await h.store.createFolder({ accountId: account.id, name: 'Bench', kind: 'calendar', props: { davSegment: 'bench' } });
for (let i = 0; i < events; i += 2000) {
  await h.store.createItems(Array.from({ length: Math.min(2000, events - i) }, (_, j) => {
    const ics = benchEvent(i + j);
    const f = extractCalendarFields(ics);
    return { folderId: folder.id, name: `bench-${i + j}.ics`, uid: f.uid, content: ics, contentType: 'text/calendar; charset=utf-8; component=vevent', size: Buffer.byteLength(ics), componentType: f.componentType, summary: f.summary, startAt: f.startAt, endAt: f.endAt, recurring: f.recurring };
  }));
}
const base = await h.listen();
process.on('message', (m: string) => {
  if (m === 'cpu') { const u = process.cpuUsage(); process.send!({ cpu: (u.user + u.system) / 1000 }); }
  if (m === 'close') void h.close().finally(() => process.exit(0));
});
process.send!({ base });
