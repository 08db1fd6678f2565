/**
 * Starts a DAV test server with one user and prints `URL USER PASSWORD` on stdout, for running
 * litmus, vdirsyncer or a client by hand: npx tsx test/interop/dav/serve.ts
 */
import { createDavHarness } from '../../protocols/dav/harness.js';

const h = await createDavHarness();
await h.addUser('alice@example.test', 'alice-pass');
await h.addUser('bob@example.test', 'bob-pass');
const url = await h.listen();
console.log(`${url} alice@example.test alice-pass`);
const stop = async () => { await h.close(); process.exit(0); };
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
