/**
 * The ActiveSync plugin on a loopback socket with one user, for running shared/acceptance/eas_basic.py
 * by hand until `hearth serve` exists: node --import tsx test/protocols/activesync/sync/serve.ts
 * prints the port; stop it with SIGTERM.
 */
import { makeHarness } from '../harness.js';

const h = await makeHarness();
await h.addUser(process.env.EAS_USER ?? 'alice@accept.test', process.env.EAS_PASSWORD ?? 'Acc3pt-alice-pass');
await h.app.listen({ host: '127.0.0.1', port: Number(process.env.EAS_PORT ?? 0) });
console.log((h.app.server.address() as { port: number }).port);
process.on('SIGTERM', () => void h.close().then(() => process.exit(0)));
