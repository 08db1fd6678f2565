/**
 * The login of one protocol: the shared Authenticator, plus the user's per-protocol access
 * (src/model/protocol-access.ts). A user whose protocol is turned off is refused exactly as a
 * disabled account is (`disabled`: the protocol's wrong-password answer, src/auth/answers.ts),
 * after the password check, so nobody learns the password was right. The composition root
 * (src/server) hands each protocol its own.
 */
import type { Store } from '../store/store.js';
import type { Authenticator } from './authenticator.js';
import { PROTOCOL_ACCESS_SETTING, protocolAccessOf, type Protocol, type ProtocolAccess } from '../model/protocol-access.js';

export function protocolAuthenticator(auth: Authenticator, store: Pick<Store, 'getSetting'>, protocol: Protocol): Authenticator {
  return {
    async verify(login, password, source) {
      const result = await auth.verify(login, password, source);
      if (!result.ok) return result;
      const access = protocolAccessOf(await store.getSetting<Partial<ProtocolAccess>>(result.account.id, PROTOCOL_ACCESS_SETTING));
      return access[protocol] ? result : { ok: false, reason: 'disabled' };
    },
    hashPassword: (password) => auth.hashPassword(password),
    forget: (login) => auth.forget(login),
  };
}
