/** lockdiscovery and supportedlock (RFC 4918 §15.8, §15.10). */
import type { Lock } from '../locks.js';
import { d, href, esc } from '../xml/writer.js';

export function activeLock(l: Lock, now = Date.now()): string {
  const timeout = l.timeoutSeconds === null ? 'Infinite' : `Second-${Math.max(0, Math.round((l.expires - now) / 1000))}`;
  return d('activelock',
    d('lockscope', d(l.scope)) + d('locktype', d('write')) + d('depth', l.depth === 'infinity' ? 'infinity' : '0') +
    (l.owner ? `<D:owner>${l.owner}</D:owner>` : '') + d('timeout', timeout) + d('locktoken', href(l.token)) +
    d('lockroot', href(esc(l.path) === l.path ? l.path : l.path)));
}

export function lockDiscovery(locks: Lock[]): string {
  return locks.map((l) => activeLock(l)).join('');
}

export function supportedLock(): string {
  return d('lockentry', d('lockscope', d('exclusive')) + d('locktype', d('write'))) +
    d('lockentry', d('lockscope', d('shared')) + d('locktype', d('write')));
}
