/**
 * Hearth's side of the ActiveSync contacts benchmark (activesync-contacts.bench.ts), in a process
 * of its own so that its CPU time is the server's alone, as Z-Push's is (the benchmark's device,
 * with its WBXML encoder and decoder, stays in the parent). Started with an IPC channel: fills the
 * contacts folder (SQLite in a temporary directory), listens on loopback and sends { base }.
 * Messages: 'cpu' -> { cpu } (CPU milliseconds this process has used so far); 'touch' -> { touched }
 * after a no-op update of every contact (new modseqs, so the next device converts them again);
 * 'change:N' -> { changed } after changing the Nth contact; 'close' closes and exits.
 * With BENCH_CPU_PROF=DIR, 'prof:start' and 'prof:stop:NAME' -> { prof } profile a measured span
 * (V8 sampling profiler, 100 µs) into DIR/NAME.cpuprofile, leaving out the set-up between spans.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { ITEM_CLASSES } from '../../protocols/activesync/sync/classes.js';
import { makeHarness, SETTINGS } from '../protocols/activesync/harness.js';
import { benchContact, BENCH_CONTACT_USER, BENCH_CONTACT_PASSWORD } from './activesync-contacts-data.js';

const contacts = Number(process.env.BENCH_CONTACTS ?? 1000);
const h = await makeHarness({ ...SETTINGS, activesync: { ...SETTINGS.activesync, minHeartbeat: 1, maxHeartbeat: 600 } });
const acc = await h.addUser(BENCH_CONTACT_USER, BENCH_CONTACT_PASSWORD);
const f = (await h.ctx.store.findFolderByRole(acc.id, 'contacts'))!;
for (let i = 0; i < contacts; i += 500) {
  await h.ctx.store.createItems(Array.from({ length: Math.min(500, contacts - i) }, (_, j) => ({
    folderId: f.id, name: `c${i + j}.vcf`, ...ITEM_CLASSES.Contacts.fields(benchContact(i + j)),
  })));
}
const ids = (await h.ctx.store.listItems(f.id)).map((it) => it.id);
const base = await h.app.listen({ host: '127.0.0.1', port: 0 });
const profDir = process.env.BENCH_CPU_PROF;
const session = profDir ? new Session() : null;
if (session) { session.connect(); await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 100 }); }
process.on('message', (m: string) => {
  if (m === 'prof:start') void session!.post('Profiler.start').then(() => process.send!({ prof: true }));
  if (m.startsWith('prof:stop:')) {
    void session!.post('Profiler.stop').then(({ profile }) => {
      writeFileSync(`${profDir}/${m.slice(10)}.cpuprofile`, JSON.stringify(profile));
      process.send!({ prof: true });
    });
  }
  if (m === 'cpu') { const u = process.cpuUsage(); process.send!({ cpu: (u.user + u.system) / 1000 }); }
  if (m === 'touch') {
    void (async () => {
      for (const it of await h.ctx.store.listItems(f.id)) await h.ctx.store.updateItem(it.id, { summary: `${it.summary ?? ''}` });
      process.send!({ touched: true });
    })();
  }
  if (m.startsWith('change:')) {
    const n = Number(m.slice(7));
    void h.ctx.store.updateItem(ids[n], { summary: `changed ${n} ${Date.now()}` }).then(() => process.send!({ changed: true }));
  }
  if (m === 'close') void h.close().finally(() => process.exit(0));
});
process.send!({ base });
