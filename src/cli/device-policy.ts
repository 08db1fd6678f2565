import type { Command } from 'commander';
import type { Store } from '../store/store.js';
import {
  addAccessRule, listAccessRules, removeAccessRule, setDefaultAccess, setPolicy, showPolicy, type PolicyValue,
} from '../admin/device-policy.js';
import type { AccessRules } from '../model/device-policy.js';
import { checkDomainName } from './accounts.js';
import { UsageError } from './sizes.js';
import { isStoreError } from '../store/errors.js';
import type { AuditBy, Print, WithStore } from './context.js';


const show = (v: PolicyValue) => (v === null ? 'none' : String(v));
const FIELD_FLAG = { deviceType: '--device-type', model: '--model', userAgent: '--user-agent' } as const;
const VERB = { allow: 'allowed', block: 'blocked', quarantine: 'quarantined' } as const;

/** The domain's name, after checking it exists (a usage mistake otherwise, as `user list`). */
async function knownDomain(store: Store, name: string): Promise<string> {
  const d = checkDomainName(name);
  if (!(await store.getDomain(d))) throw new UsageError(`unknown domain ${name}`);
  return d;
}

/** A value the admin functions refuse (StoreError 'Invalid') is a mistake in what was typed. */
async function usage<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    throw isStoreError(e, 'Invalid') ? new UsageError(e.message) : e;
  }
}

function ruleLines(r: AccessRules): string[] {
  return [
    ...r.rules.map((rule, i) => [String(i + 1), rule.field, rule.pattern, rule.access].join('\t')),
    `default\t${r.default}`,
  ];
}

/** `hearth domain policy|access` (ActiveSync device policy and access rules), under `hearth domain`. */
export function devicePolicyCommands(domain: Command, withStore: WithStore, print: Print, by: AuditBy): void {

  domain.command('policy <domain> [assignments...]')
    .description('show the ActiveSync device policy, or set KEY=VALUE (true/false, a number, none, default)')
    .action((name: string, assignments: string[]) => withStore(async (s) => {
      const d = await knownDomain(s, name);
      if (assignments.length === 0) {
        for (const e of await showPolicy(s, d)) print([e.key, show(e.value), e.set ? 'set' : 'default'].join('\t'));
        return;
      }
      const parsed: Record<string, string> = {};
      for (const a of assignments) {
        const eq = a.indexOf('=');
        if (eq <= 0) throw new UsageError(`expected KEY=VALUE, got '${a}'`);
        parsed[a.slice(0, eq).trim()] = a.slice(eq + 1);
      }
      const changes = await usage(setPolicy(s, d, parsed, by));
      const keys = Object.keys(changes);
      if (keys.length === 0) {
        print(`policy of ${d} unchanged`);
        return;
      }
      for (const k of keys) print(`${k}: ${show(changes[k][0])} -> ${show(changes[k][1])}`);
      print(`policy of ${d} changed: its ActiveSync devices re-provision at their next request`);
    }));

  domain.command('access <domain> [action] [args...]')
    .description('ActiveSync device access rules: list; add --device-type|--model|--user-agent PATTERN --allow|--block|--quarantine; remove N; default allow|block|quarantine')
    .option('--device-type <pattern>', 'match the device type (glob, * matches anything)')
    .option('--model <pattern>', 'match the device model (glob)')
    .option('--user-agent <pattern>', 'match the User-Agent (glob)')
    .option('--allow', 'allow matching devices')
    .option('--block', 'block matching devices')
    .option('--quarantine', 'quarantine matching devices')
    .action((name: string, action: string | undefined, args: string[],
      o: { deviceType?: string; model?: string; userAgent?: string; allow?: boolean; block?: boolean; quarantine?: boolean }) => withStore(async (s) => {
      const d = await knownDomain(s, name);
      const flags = (Object.keys(FIELD_FLAG) as Array<keyof typeof FIELD_FLAG>).filter((f) => o[f] !== undefined);
      const verbs = (Object.keys(VERB) as Array<keyof typeof VERB>).filter((v) => o[v]);
      if (action !== 'add' && (flags.length > 0 || verbs.length > 0)) throw new UsageError(`${[...flags.map((f) => FIELD_FLAG[f]), ...verbs.map((v) => `--${v}`)][0]} goes with 'add'`);
      switch (action) {
        case undefined:
          for (const l of ruleLines(await listAccessRules(s, d))) print(l);
          return;
        case 'add': {
          if (args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
          if (flags.length !== 1) throw new UsageError('add: give exactly one of --device-type, --model, --user-agent');
          if (verbs.length !== 1) throw new UsageError('add: give exactly one of --allow, --block, --quarantine');
          const field = flags[0];
          const pattern = o[field]!;
          if (!pattern.trim()) throw new UsageError(`${FIELD_FLAG[field]}: empty pattern`);
          const rules = await usage(addAccessRule(s, d, field, pattern, VERB[verbs[0]], by));
          print(`rule ${rules.rules.length} added to ${d}: ${field} ${pattern.trim()} -> ${VERB[verbs[0]]} (applies at each device's next request)`);
          return;
        }
        case 'remove': {
          if (args.length !== 1 || !/^\d+$/.test(args[0])) throw new UsageError('remove: expected the rule number, as listed');
          await removeAccessRule(s, d, Number(args[0]), by);
          print(`rule ${args[0]} removed from ${d}`);
          return;
        }
        case 'default': {
          const verb = args[0] as keyof typeof VERB;
          if (args.length !== 1 || !Object.prototype.hasOwnProperty.call(VERB, verb)) throw new UsageError('default: expected allow, block or quarantine');
          await setDefaultAccess(s, d, VERB[verb], by);
          print(`devices of ${d} that no rule matches are now ${VERB[verb]}`);
          return;
        }
        default:
          throw new UsageError(`unknown access action '${action}' (add, remove, default)`);
      }
    }));
}
