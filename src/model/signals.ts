/**
 * Names of the signals (Store.signal) that cross protocols and nodes: who sends them is the admin
 * layer or a protocol; who listens is a protocol. One place, so that both spell them alike.
 */

/** A device's held requests should end: a wipe was requested, its access changed, or a newer Ping began. */
export const deviceSignal = (deviceId: string, what: 'wipe' | 'access' | 'ping'): string => `device:${what}:${deviceId}`;

/** The account gained or lost shared folders (a delegation or a share changed). */
export const GRANTS_SIGNAL = 'grants';
