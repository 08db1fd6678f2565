// The command table: every command the server answers, by name.
import type { ImapCommand } from '../../codec/index.js';
import type { CommandSpec } from './types.js';
import { capability, check, enable, id, logout, noop } from './basic.js';
import { authenticate, login, starttls } from './login.js';
import { close, examine, select, unselect } from './select.js';
import { create, del, rename, subscribe, unsubscribe } from './mailbox-admin.js';
import { list, lsub } from './list.js';
import { status } from './status.js';
import { append } from './append.js';
import { getquota, getquotaroot, namespace } from './namespace-quota.js';
import { fetch } from './fetch.js';
import { searchWithContext } from './search-context.js';
import { sort } from './sort.js';
import { thread } from './thread.js';
import { cancelupdate } from './cancelupdate.js';
import { store } from './store.js';
import { copy, move } from './copy-move.js';
import { expunge } from './expunge.js';
import { idle } from './idle.js';
import { compress } from './compress.js';

const ALL: CommandSpec<never>[] = [
  capability, noop, check, logout, id, enable, starttls, login, authenticate, select, examine, close, unselect, create, del,
  rename, subscribe, unsubscribe, list, lsub, status, append, namespace, getquota, getquotaroot, fetch, searchWithContext, store, copy,
  move, expunge, idle, sort, thread, cancelupdate, compress,
] as unknown as CommandSpec<never>[];

export const COMMANDS = new Map<ImapCommand['command'], CommandSpec>(ALL.map((s) => [s.name, s as unknown as CommandSpec]));
