import { storeFactories } from '../../helpers/stores.js';
import { storeContract } from './contract.js';

// One contract, every backend. PostgreSQL is skipped only when it is unreachable and
// HEARTH_REQUIRE_POSTGRES is unset (.ci/run sets it); scripts/run-tests.mjs says so in one line.
for (const factory of await storeFactories()) {
  storeContract(factory);
}
