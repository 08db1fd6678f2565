// Runs the `hearth` command from source: `node --import tsx src/cli/run.ts ...` (tests, development).
// bin/hearth.js runs the compiled copy of the same main().
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
