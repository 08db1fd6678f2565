import { storeFactories } from '../../helpers/stores.js';
import { mailStoreContract } from './mail-contract.js';

// The mail contract on every backend, as store.test.ts runs the store contract.
for (const factory of await storeFactories()) {
  mailStoreContract(factory);
}
