import { storeFactories } from '../../helpers/stores.js';
import { policyStoreContract } from './policy-contract.js';

// The policy slice of the store contract on every backend, as mail.test.ts runs the mail contract.
for (const factory of await storeFactories()) {
  policyStoreContract(factory);
}
