/** POP3 listener settings: limits every connection obeys (docs/security.md, "POP3"). */
export interface Pop3Settings {
  /** RFC 1939 §3: an inactivity timer of at least 10 minutes. */
  idleTimeoutSeconds: number;
  /** Longest command line, CRLF included. RFC 2449 §4 allows 255 octets; SASL responses need more. */
  maxLineBytes: number;
  /** Unknown or malformed commands before the server hangs up (a talking-to-the-wrong-port guard). */
  maxBadCommands: number;
  /** Connections per listener process, and per client address. */
  maxConnections: number;
  maxConnectionsPerIp: number;
}

export const DEFAULT_POP3_SETTINGS: Pop3Settings = {
  idleTimeoutSeconds: 600,
  maxLineBytes: 4096,
  maxBadCommands: 20,
  maxConnections: 1000,
  maxConnectionsPerIp: 32,
};
