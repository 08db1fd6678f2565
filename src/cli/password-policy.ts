import type { Command } from 'commander';
import { passwordPolicyOf, setPasswordPolicy, type PasswordPolicy } from '../admin/password-policy.js';
import { isStoreError } from '../store/errors.js';
import { checkDomainName } from './accounts.js';
import { UsageError } from './sizes.js';
import type { AuditBy, Print, WithStore } from './context.js';

/** Flag name and the policy key it sets; each has a --no- form to clear it. */
const RULES = [
  ['mixed-case', 'requireMixedCase'],
  ['digit', 'requireDigit'],
  ['symbol', 'requireSymbol'],
] as const;

function lines(p: PasswordPolicy): string[] {
  return [
    `min-length\t${p.minLength}`,
    `require-mixed-case\t${p.requireMixedCase}`,
    `require-digit\t${p.requireDigit}`,
    `require-symbol\t${p.requireSymbol}`,
    `reject-local-part\t${p.rejectContainsLocalPart}`,
  ];
}

interface Options {
  minLength?: string;
  requireMixedCase?: boolean;
  requireDigit?: boolean;
  requireSymbol?: boolean;
  rejectLocalPart?: boolean;
}

/** `hearth domain password-policy DOMAIN [flags]`: shows the policy, or sets the flags given. */
export function passwordPolicyCommands(domain: Command, withStore: WithStore, print: Print, by: AuditBy): void {
  const cmd = domain.command('password-policy <domain>')
    .description('show the password policy of new and reset passwords, or change it')
    .option('--min-length <n>', 'least number of characters (8 to 128)');
  for (const [flag] of RULES) {
    cmd.option(`--require-${flag}`, `require a ${flag.replace('-', ' ')}`).option(`--no-require-${flag}`, `do not require a ${flag.replace('-', ' ')}`);
  }
  cmd.option('--reject-local-part', "refuse passwords containing the user's local part")
    .option('--no-reject-local-part', "allow passwords containing the user's local part")
    .action((name: string, o: Options) => withStore(async (s) => {
      const d = await s.getDomain(checkDomainName(name));
      if (!d) throw new UsageError(`unknown domain ${name}`);
      const changes: Partial<PasswordPolicy> = {};
      if (o.minLength !== undefined) {
        if (!/^\d+$/.test(o.minLength)) throw new UsageError(`--min-length: expected a whole number, got '${o.minLength}'`);
        changes.minLength = Number(o.minLength);
      }
      if (o.requireMixedCase !== undefined) changes.requireMixedCase = o.requireMixedCase;
      if (o.requireDigit !== undefined) changes.requireDigit = o.requireDigit;
      if (o.requireSymbol !== undefined) changes.requireSymbol = o.requireSymbol;
      if (o.rejectLocalPart !== undefined) changes.rejectContainsLocalPart = o.rejectLocalPart;
      if (Object.keys(changes).length === 0) {
        for (const l of lines(passwordPolicyOf(d))) print(l);
        return;
      }
      let after: PasswordPolicy;
      try {
        after = await setPasswordPolicy(s, by, d, changes);
      } catch (e) {
        throw isStoreError(e, 'Invalid') ? new UsageError(e.message) : e;
      }
      for (const l of lines(after)) print(l);
      print(`password policy of ${d.name} changed: it applies to passwords set from now on`);
    }));
}
