// CANCELUPDATE (RFC 5267 §4.3): ends live SEARCH results by the tags of the searches.
import { cancelUpdates } from '../search-context.js';
import { ok } from '../respond.js';
import { SELECTED, command } from './types.js';

export const cancelupdate = command({
  name: 'CANCELUPDATE', states: SELECTED,
  handle: async (c, cmd) => {
    cancelUpdates(c.session, cmd.tags);
    return ok('CANCELUPDATE completed');
  },
});
