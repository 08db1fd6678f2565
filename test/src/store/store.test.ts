import { storeFactories } from '../../helpers/stores.js';
import { storeContract } from './contract.js';

// One contract, every backend. PostgreSQL is skipped (with the reason printed) only when it is
// unreachable and HEARTH_REQUIRE_POSTGRES is unset; .ci/run sets it.
for (const factory of await storeFactories()) {
  if (factory.skip) console.log(`# ${factory.skip}`);
  storeContract(factory);
}
