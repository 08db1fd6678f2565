/** OPTIONS (RFC 4918 §10.1, RFC 4791 §5.1, RFC 6352 §6.1, RFC 6638 §2, RFC 5689 §3). */
import type { DavResponse } from '../request.js';

export const DAV_COMPLIANCE = '1, 2, 3, access-control, calendar-access, addressbook, calendar-auto-schedule, extended-mkcol, calendar-proxy, calendarserver-sharing, calendarserver-principal-property-search';

export function options(): DavResponse {
  return {
    status: 200,
    headers: {
      dav: DAV_COMPLIANCE,
      allow: 'GET, HEAD, PUT, DELETE, OPTIONS, POST, PROPFIND, PROPPATCH, MKCOL, MKCALENDAR, COPY, MOVE, LOCK, UNLOCK, REPORT, ACL',
      'ms-author-via': 'DAV',
      'content-length': '0',
    },
  };
}
