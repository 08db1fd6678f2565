/** What every admin API route module receives from the plugin. */
import type { Store } from '../../src/store/store.js';
import type { Authenticator } from '../../src/auth/authenticator.js';
import type { ApiTokens } from '../../src/auth/api-tokens.js';

export interface ApiDeps {
  store: Store;
  auth: Authenticator;
  tokens: ApiTokens;
  now: () => number;
}
