/**
 * The seam for iMIP (RFC 6047): scheduling messages to attendees outside Hearth. The composition
 * root can pass an implementation that hands them to src/mail; the default records nothing.
 */
export interface ImipMessage {
  /** The organizer or attendee sending it (an address of the authenticated user). */
  from: string;
  to: string[];
  /** REQUEST, REPLY, CANCEL ... (RFC 5546). */
  method: string;
  /** The iTIP object, a complete VCALENDAR with METHOD. */
  ics: string;
}

export interface ImipSender {
  send(msg: ImipMessage): Promise<void>;
}

export const noImip: ImipSender = { async send() {} };
