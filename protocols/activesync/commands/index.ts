/**
 * The command registry: Cmd name -> declarative handler. OPTIONS lists the registered names
 * (MS-ASProtocolCommands), so a command exists for clients exactly when it is registered here.
 *
 * To add a command: write commands/<kebab-name>.ts exporting a CommandHandler and add it to
 * BUILTIN_COMMANDS (or pass it in the plugin's `commands` option).
 */
import type { CommandHandler } from './types.js';
import { provision } from './provision.js';
import { folderSync } from './folder-sync.js';
import { folderCreate } from './folder-create.js';
import { folderUpdate } from './folder-update.js';
import { folderDelete } from './folder-delete.js';
import { settings } from './settings.js';
import { sync } from './sync.js';
import { getItemEstimate } from './get-item-estimate.js';
import { moveItems } from './move-items.js';
import { ping } from './ping.js';
import { sendMail, smartForward, smartReply } from './compose-mail.js';
import { itemOperations } from './item-operations.js';
import { search } from './search.js';
import { find } from './find.js';
import { resolveRecipients } from './resolve-recipients.js';
import { meetingResponse } from './meeting-response.js';

export type { CommandContext, CommandHandler, CommandResult } from './types.js';

export class CommandRegistry {
  private readonly byName = new Map<string, CommandHandler>();

  constructor(handlers: Iterable<CommandHandler> = []) {
    for (const h of handlers) this.register(h);
  }

  /** Adds or replaces the handler of `h.name`. */
  register(h: CommandHandler): this {
    this.byName.set(h.name.toLowerCase(), h);
    return this;
  }

  /** Cmd values are matched case-insensitively (clients differ). */
  get(name: string): CommandHandler | undefined {
    return this.byName.get(name.toLowerCase());
  }

  /** Registered command names, for MS-ASProtocolCommands. */
  names(): string[] {
    return [...this.byName.values()].map((h) => h.name);
  }
}

/** Commands of the core issue, and Sync, GetItemEstimate, MoveItems and Ping (../sync/). */
export const BUILTIN_COMMANDS: readonly CommandHandler[] = [
  provision, folderSync, folderCreate, folderUpdate, folderDelete, settings, sync, getItemEstimate, moveItems, ping,
  sendMail, smartReply, smartForward, itemOperations, search, resolveRecipients,
  meetingResponse, find,
];

export function createRegistry(extra: Iterable<CommandHandler> = []): CommandRegistry {
  return new CommandRegistry([...BUILTIN_COMMANDS, ...extra]);
}
