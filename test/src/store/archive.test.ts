import { storeFactories } from '../../helpers/stores.js';
import { archiveStoreContract } from './archive-contract.js';

// The archive contract on every backend, as store.test.ts runs the store contract.
for (const factory of await storeFactories()) {
  archiveStoreContract(factory);
}
