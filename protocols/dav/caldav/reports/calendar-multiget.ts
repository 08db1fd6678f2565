/** calendar-multiget (RFC 4791 §7.9). */
import type { ReportHandler } from '../../reports/report-handler.js';
import { multiget } from '../../reports/multiget.js';

export const calendarMultiget: ReportHandler = (q, r, body) => multiget(q, r, body);
