import { storeFactories } from '../../helpers/stores.js';
import { queueStoreContract } from './queue-contract.js';

// The outbound queue contract on every backend, as mail.test.ts runs the mail contract.
for (const factory of await storeFactories()) {
  queueStoreContract(factory);
}
