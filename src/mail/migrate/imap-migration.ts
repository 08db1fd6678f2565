/**
 * Copies a mailbox from another IMAP server into a Hearth account (issue 11 item 5) with
 * imapflow: every selectable folder (special-use folders to their Hearth roles, folder-map.ts),
 * every message with its flags and internal date, appended in batches (MailStore.appendMessages,
 * one transaction each). After each batch the resume state (state.ts) records the highest UID
 * copied, so an interrupted run continues without duplicates; a batch committed but not yet
 * recorded is recognised on the rerun by Message-ID, internal date and size.
 */
import { ImapFlow } from 'imapflow';
import type { Store } from '../../store/store.js';
import type { NewMessage } from '../../model/mail.js';
import { parseMessage } from '../parse.js';
import { isStoreError } from '../../store/errors.js';
import { FolderMapper, copyable, type SourceFolder } from './folder-map.js';
import { loadState, saveState, stateKey, type MigrationState } from './state.js';
import type { ImapSource } from './source.js';
import { describeSourceError } from './source-errors.js';

export interface MigrationOptions {
  source: ImapSource;
  user: string;
  password: string;
  /** The Hearth account (full address) that receives the mail. */
  to: string;
  /** Accept a certificate the system does not trust (self-signed source servers). */
  insecure?: boolean;
  /** Stops after the batch in progress is committed and recorded; the summary says `interrupted`. */
  signal?: AbortSignal;
  /** Messages per appended batch, and bytes at most (default 100, 16 MiB). */
  batchMessages?: number;
  batchBytes?: number;
}

export interface MigrationProgress {
  folder: string;
  /** Messages handled (copied, already present or failed) so far, of the total to handle. */
  done: number;
  total: number;
  bytesDone: number;
  bytesTotal: number;
}

export interface MigrationEvents {
  /** After planning, and after each message. */
  progress?(p: MigrationProgress): void;
  /** A folder or message that could not be copied; the run goes on. */
  problem?(text: string): void;
}

export interface MigrationSummary {
  folders: number;
  messages: number;
  bytes: number;
  /** Already in Hearth (copied by an earlier run). */
  skipped: number;
  errors: number;
  interrupted: boolean;
}

/** A failure that ends the migration of this account: one line for the operator. */
export class MigrationError extends Error {
  override name = 'MigrationError';
}

interface PlannedFolder {
  folder: SourceFolder;
  uidValidity: string;
  uids: { uid: number; size: number }[];
}

export async function migrateImap(store: Store, opts: MigrationOptions, events: MigrationEvents = {}): Promise<MigrationSummary> {
  const account = await store.getAccount(opts.to.trim().toLowerCase());
  if (!account || account.kind !== 'user') throw new MigrationError(`no such user: ${opts.to}`);
  const where = `${opts.source.label}`;
  const client = new ImapFlow({
    host: opts.source.host,
    port: opts.source.port,
    secure: opts.source.implicitTls,
    // imap:// means STARTTLS, required: the password never crosses the network in the clear.
    doSTARTTLS: opts.source.implicitTls ? undefined : true,
    auth: { user: opts.user, pass: opts.password },
    tls: { rejectUnauthorized: !opts.insecure },
    logger: false,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 10 * 60_000,
  });
  let lastError: unknown = null;
  client.on('error', (e: unknown) => {
    lastError = e;
  });
  try {
    await client.connect();
  } catch (e) {
    throw new MigrationError(describeSourceError(e, where, opts.user));
  }
  const summary: MigrationSummary = { folders: 0, messages: 0, bytes: 0, skipped: 0, errors: 0, interrupted: false };
  try {
    const key = stateKey(opts.source, opts.user);
    const state = await loadState(store, account.id, key);
    const plan = await planFolders(client, state);
    const total = plan.reduce((n, p) => n + p.uids.length, 0);
    const bytesTotal = plan.reduce((n, p) => n + p.uids.reduce((b, u) => b + u.size, 0), 0);
    const progress: MigrationProgress = { folder: '', done: 0, total, bytesDone: 0, bytesTotal };
    events.progress?.({ ...progress });
    const mapper = new FolderMapper(store, account.id);
    for (const p of plan) {
      if (opts.signal?.aborted) {
        summary.interrupted = true;
        break;
      }
      progress.folder = p.folder.path;
      try {
        await copyFolder(client, store, mapper, p, state, key, account.id, opts, summary, progress, events);
        summary.folders++;
      } catch (e) {
        if (e instanceof MigrationError) throw e;
        if (isStoreError(e, 'QuotaExceeded')) throw new MigrationError(`${opts.to} is over its quota: ${(e as Error).message}`);
        if (!client.usable) throw new MigrationError(describeSourceError(lastError ?? e, where, opts.user));
        summary.errors++;
        events.problem?.(`folder ${p.folder.path}: ${describeSourceError(e, where, opts.user)}`);
      }
      if (summary.interrupted) break;
    }
    return summary;
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/** Lists the folders to copy and, for each, the UIDs not yet copied (with their sizes, for progress). */
async function planFolders(client: ImapFlow, state: MigrationState): Promise<PlannedFolder[]> {
  const plan: PlannedFolder[] = [];
  for (const f of await client.list()) {
    const folder: SourceFolder = { path: f.path, delimiter: f.delimiter, specialUse: f.specialUse, flags: f.flags };
    if (!copyable(folder)) continue;
    const lock = await client.getMailboxLock(f.path, { readOnly: true });
    try {
      const box = client.mailbox;
      const uidValidity = box ? String(box.uidValidity) : '0';
      const prior = state.folders[f.path];
      const after = prior && prior.uidValidity === uidValidity ? prior.lastUid : 0;
      const uids: { uid: number; size: number }[] = [];
      if (box && box.exists > 0) {
        for await (const m of client.fetch(`${after + 1}:*`, { uid: true, size: true }, { uid: true })) {
          // "N:*" also matches the highest UID when it is below N (RFC 9051 §6.4.8): skip it.
          if (m.uid > after) uids.push({ uid: m.uid, size: m.size ?? 0 });
        }
      }
      uids.sort((a, b) => a.uid - b.uid);
      plan.push({ folder, uidValidity, uids });
    } finally {
      lock.release();
    }
  }
  return plan;
}

async function copyFolder(
  client: ImapFlow,
  store: Store,
  mapper: FolderMapper,
  p: PlannedFolder,
  state: MigrationState,
  key: string,
  accountId: number,
  opts: MigrationOptions,
  summary: MigrationSummary,
  progress: MigrationProgress,
  events: MigrationEvents,
): Promise<void> {
  const target = await mapper.target(p.folder);
  // What the target already holds, for the rerun after an interruption between commit and record.
  const present = new Map<string, number[]>();
  for (const m of await store.listMessageStates(target.id)) {
    const k = `${m.size}:${m.internalDate}`;
    present.set(k, [...(present.get(k) ?? []), m.itemId]);
  }
  const isPresent = async (size: number, date: number, messageId: string | null) => {
    for (const itemId of present.get(`${size}:${date}`) ?? []) {
      if ((await store.getMessage(itemId))?.parsed.messageId === messageId) return true;
    }
    return false;
  };
  const maxCount = opts.batchMessages ?? 100;
  const maxBytes = opts.batchBytes ?? 16 * 1024 * 1024;
  const lock = await client.getMailboxLock(p.folder.path, { readOnly: true });
  try {
    for (let i = 0; i < p.uids.length;) {
      if (opts.signal?.aborted) {
        summary.interrupted = true;
        return;
      }
      // One batch: up to maxCount messages and about maxBytes.
      const chunk: number[] = [];
      for (let bytes = 0; i < p.uids.length && chunk.length < maxCount && (chunk.length === 0 || bytes + p.uids[i].size <= maxBytes); i++) {
        chunk.push(p.uids[i].uid);
        bytes += p.uids[i].size;
      }
      const batch: NewMessage[] = [];
      for await (const m of client.fetch(
        chunk.join(','),
        { uid: true, flags: true, internalDate: true, size: true, source: true },
        { uid: true },
      )) {
        progress.done++;
        progress.bytesDone += m.size ?? 0;
        if (!m.source) {
          summary.errors++;
          events.problem?.(`${p.folder.path} UID ${m.uid}: no content from the server`);
          continue;
        }
        const internalDate = m.internalDate ? new Date(m.internalDate).getTime() : Date.now();
        try {
          const parsed = await parseMessage(m.source);
          if (await isPresent(m.source.length, internalDate, parsed.messageId)) {
            summary.skipped++;
            continue;
          }
          const flags = [...(m.flags ?? [])].filter((f) => f.toLowerCase() !== '\\recent');
          batch.push({ bytes: m.source, parsed, flags, internalDate });
        } catch (e) {
          summary.errors++;
          events.problem?.(`${p.folder.path} UID ${m.uid}: ${(e as Error).message.split('\n')[0]}`);
        } finally {
          events.progress?.({ ...progress });
        }
      }
      if (batch.length) {
        await store.appendMessages(target.id, batch);
        summary.messages += batch.length;
        summary.bytes += batch.reduce((n, b) => n + b.bytes.length, 0);
      }
      state.folders[p.folder.path] = { uidValidity: p.uidValidity, lastUid: chunk[chunk.length - 1] };
      await saveState(store, accountId, key, state);
    }
    // A folder with nothing new still records its UIDVALIDITY, so a later change is noticed.
    if (!state.folders[p.folder.path]) {
      state.folders[p.folder.path] = { uidValidity: p.uidValidity, lastUid: 0 };
      await saveState(store, accountId, key, state);
    }
  } finally {
    lock.release();
  }
}
