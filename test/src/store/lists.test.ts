import { storeFactories } from '../../helpers/stores.js';
import { listStoreContract } from './list-contract.js';

// The mailing-list contract on every backend, as store.test.ts runs the store contract.
for (const factory of await storeFactories()) {
  listStoreContract(factory);
}
