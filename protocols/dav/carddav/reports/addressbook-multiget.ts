/** addressbook-multiget (RFC 6352 §8.7). */
import type { ReportHandler } from '../../reports/report-handler.js';
import { multiget } from '../../reports/multiget.js';

export const addressbookMultiget: ReportHandler = (q, r, body) => multiget(q, r, body);
