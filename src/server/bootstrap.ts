import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import { isStoreError } from '../store/errors.js';
import { hashPassword } from '../auth/password.js';
import { DEFAULT_PASSWORD_POLICY, passwordProblem } from '../admin/password-policy.js';
import { ConfigError } from './config.js';

export interface BootstrapResult {
  /** Set only at the first start, when the administrator was created. */
  created?: { domain: string; admin: string; password: string; generated: boolean };
}

/**
 * First start: an empty store gets its first domain and a server administrator
 * (admin@DOMAIN) whose password is HEARTH_ADMIN_PASSWORD or generated and shown once. A given
 * password passes the password policy a new domain starts with, like every other password
 * (src/admin/password-policy.ts); a weak one stops the start with one line, before anything is
 * created. Safe when several nodes start at once on one PostgreSQL database: the loser's Conflict
 * is ignored.
 */
export async function bootstrap(store: Store, firstDomain: string, adminPassword: string | undefined): Promise<BootstrapResult> {
  if ((await store.listDomains()).length > 0) return {};
  if (adminPassword !== undefined) {
    const problem = passwordProblem(DEFAULT_PASSWORD_POLICY, adminPassword, `admin@${firstDomain}`);
    if (problem) throw new ConfigError(`HEARTH_ADMIN_PASSWORD: ${problem}`);
  }
  const password = adminPassword ?? randomBytes(12).toString('base64url');
  try {
    const domain = await store.createDomain({ name: firstDomain });
    const admin = await store.createAccount({
      domainId: domain.id, email: `admin@${domain.name}`, displayName: 'Administrator', passwordHash: await hashPassword(password),
      isServerAdmin: true, adminDomains: [domain.id],
    });
    return { created: { domain: domain.name, admin: admin.email, password, generated: adminPassword === undefined } };
  } catch (e) {
    if (isStoreError(e, 'Conflict')) return {};
    throw e;
  }
}
