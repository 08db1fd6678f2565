/**
 * Parses an Autodiscover request ([MS-ASCMD] 2.2.1.1.1.1, [MS-OXDSCLI] 2.2.3) with a
 * namespace-aware parser, bounded in size (by the body limit) and depth. DOCTYPEs are refused.
 */
import { SaxesParser } from 'saxes';

export const REQUEST_NS = {
  mobilesync: 'http://schemas.microsoft.com/exchange/autodiscover/mobilesync/requestschema/2006',
  outlook: 'http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006',
};

export interface AutodiscoverRequest {
  email: string | null;
  acceptableResponseSchema: string | null;
}

export class AutodiscoverParseError extends Error {}

const MAX_DEPTH = 16;

export function parseAutodiscoverRequest(xml: string): AutodiscoverRequest {
  const parser = new SaxesParser({ xmlns: true });
  const stack: string[] = [];
  const out: AutodiscoverRequest = { email: null, acceptableResponseSchema: null };
  let text = '';
  // Every problem is thrown at once: saxes lets it out of write(), which ends the parse there
  // (parsing on after an error made deep namespace nesting quadratic).
  const fail = (message: string): never => { throw new AutodiscoverParseError(message); };
  parser.on('error', (e) => fail(e.message));
  parser.on('doctype', () => fail('DOCTYPE not allowed'));
  parser.on('opentag', (node) => {
    if (stack.length === 0 && node.local !== 'Autodiscover') fail('not an Autodiscover request');
    if (stack.length >= MAX_DEPTH) fail('too deep');
    stack.push(node.local);
    text = '';
  });
  parser.on('text', (t) => { if (text.length < 1024) text += t; });
  parser.on('closetag', () => {
    const path = stack.join('/');
    if (path === 'Autodiscover/Request/EMailAddress') out.email = text.trim();
    if (path === 'Autodiscover/Request/AcceptableResponseSchema') out.acceptableResponseSchema = text.trim();
    stack.pop();
    text = '';
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    if (e instanceof AutodiscoverParseError) throw e;
    fail(e instanceof Error ? e.message : 'malformed XML');
  }
  return out;
}
