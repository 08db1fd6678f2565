/** SMTP listener settings (the `smtp` section of src/server/config.ts). */
export interface SmtpSettings {
  /** Server-wide cap on a message, advertised as SIZE (RFC 1870); domains and users may set less. */
  maxMessageSize: number;
  /**
   * Extra pause before the 220 greeting, in ms (a "greet pause" against early-talking spam
   * bots). smtp-server itself always waits a fixed 100 ms to catch early talkers; this adds to it.
   */
  greetingDelayMs: number;
  /** Reverse DNS lookup of each client (smtp-server's default is on; ours is off: it costs a DNS round trip per connection). */
  reverseDns: boolean;
  maxConnections: number;
  maxConnectionsPerIp: number;
  commandsPerMinute: number;
  commandBurst: number;
  /** Recipients per message on the MX (RFC 5321 §4.5.3.1.8: at least 100). */
  mxMaxRecipients: number;
  /** Per authenticated user, on submission. */
  messagesPerHour: number;
  recipientsPerMessage: number;
  /** Idle timeout; RFC 5321 §4.5.3.2.7 asks for at least 5 minutes. */
  socketTimeoutSeconds: number;
}

export const DEFAULT_SMTP_SETTINGS: SmtpSettings = {
  maxMessageSize: 50 * 1024 * 1024,
  greetingDelayMs: 0,
  reverseDns: false,
  maxConnections: 1000,
  maxConnectionsPerIp: 64,
  commandsPerMinute: 1200,
  commandBurst: 600,
  mxMaxRecipients: 1000,
  messagesPerHour: 500,
  recipientsPerMessage: 100,
  socketTimeoutSeconds: 300,
};
