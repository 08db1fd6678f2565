/** What a REPORT handler is (RFC 3253 §3.6): the resource asked, the body's root element, the answer. */
import type { DavRequest, DavResponse } from '../request.js';
import type { Res } from '../resolve.js';
import type { XmlElement } from '../xml/parser.js';

export type ReportHandler = (q: DavRequest, r: Res, body: XmlElement) => Promise<DavResponse>;
