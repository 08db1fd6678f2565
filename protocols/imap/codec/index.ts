// The pure IMAP codec: framing, command parsing, response composition. No I/O, no store, nothing
// from src/ (the engine in protocols/imap uses it; see docs/protocols/imap.md).
export * from './errors.js';
export * from './sequence-set.js';
export * from './mutf7.js';
export * from './command-reader.js';
export * from './cursor.js';
export type * from './command-types.js';
export type * from './fetch-types.js';
export type * from './search-types.js';
export { parseCommand } from './parse-command.js';
export type * from './mime-tree.js';
export * from './compose-values.js';
export * from './compose-response.js';
export * from './compose-body.js';
export * from './compose-thread.js';
export { parseImapMessageUrl, type ImapMessageUrl } from './imap-url.js';
