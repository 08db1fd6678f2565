/** The POP3 command table: keyword to its module (one file per verb). */
import type { CommandDef } from '../session.js';
import { auth } from './auth.js';
import { capa } from './capa.js';
import { dele } from './dele.js';
import { list } from './list.js';
import { noop } from './noop.js';
import { pass } from './pass.js';
import { quit } from './quit.js';
import { retr } from './retr.js';
import { rset } from './rset.js';
import { stat } from './stat.js';
import { stls } from './stls.js';
import { top } from './top.js';
import { uidl } from './uidl.js';
import { user } from './user.js';

export const COMMANDS: Record<string, CommandDef> = {
  AUTH: auth,
  CAPA: capa,
  DELE: dele,
  LIST: list,
  NOOP: noop,
  PASS: pass,
  QUIT: quit,
  RETR: retr,
  RSET: rset,
  STAT: stat,
  STLS: stls,
  TOP: top,
  UIDL: uidl,
  USER: user,
};
