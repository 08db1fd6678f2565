/** What every `hearth` subcommand module receives from main(): the store, output, and who acts. */
import type { Store } from '../store/store.js';

/** Opens the configured store, runs `fn` on it; main() closes it after the command. */
export type WithStore = (fn: (store: Store) => Promise<void>) => Promise<void>;

/** One line of the command's normal output (stdout). */
export type Print = (line: string) => void;

/** The audit actor of CLI changes: `cli:<login>`, source 'cli'. */
export interface AuditBy {
  actor: string;
  source: string;
}
