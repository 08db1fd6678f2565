/**
 * Per-user protocol access: an administrator may turn a protocol off for one user (account
 * setting `protocolAccess`, missing keys mean allowed). Enforced at login by
 * src/auth/protocol-access.ts; changed through src/admin/accounts.ts.
 */
export const PROTOCOLS = ['activesync', 'dav', 'imap', 'pop3', 'smtp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];
export type ProtocolAccess = Record<Protocol, boolean>;
export const PROTOCOL_ACCESS_SETTING = 'protocolAccess';

/** Every protocol's state from the stored setting (null: never set, all allowed). */
export function protocolAccessOf(stored: Partial<ProtocolAccess> | null): ProtocolAccess {
  return Object.fromEntries(PROTOCOLS.map((p) => [p, stored?.[p] !== false])) as ProtocolAccess;
}
