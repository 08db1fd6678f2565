/** Who is signed in and which domains they administer: shared by every page through context. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Me } from './types';

export interface Session {
  me: Me;
  /** Domains the administrator may see (every domain for server roles). */
  domains: string[];
  /** The domain the pages act on. */
  domain: string | null;
  setDomain: (d: string) => void;
  /** May this administrator change things in the domain (not read-only)? */
  canWrite: (domain: string | null) => boolean;
  signOut: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

export function canWriteIn(me: Me, domain: string | null): boolean {
  if (me.roles.serverAdmin) return true;
  return domain !== null && me.roles.adminDomains.includes(domain);
}

export const isServerRole = (me: Me) => me.roles.serverAdmin || me.roles.serverReadOnly;
