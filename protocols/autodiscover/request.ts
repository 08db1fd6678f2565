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
  let error: Error | null = null;
  parser.on('error', (e) => { error ??= e; });
  parser.on('doctype', () => { error ??= new AutodiscoverParseError('DOCTYPE not allowed'); });
  parser.on('opentag', (node) => {
    if (stack.length === 0 && node.local !== 'Autodiscover') error ??= new AutodiscoverParseError('not an Autodiscover request');
    stack.push(node.local);
    if (stack.length > MAX_DEPTH) error ??= new AutodiscoverParseError('too deep');
    text = '';
  });
  parser.on('text', (t) => { if (text.length < 1024) text += t; });
  parser.on('closetag', (node) => {
    const path = stack.join('/');
    if (path === 'Autodiscover/Request/EMailAddress') out.email = text.trim();
    if (path === 'Autodiscover/Request/AcceptableResponseSchema') out.acceptableResponseSchema = text.trim();
    void node;
    stack.pop();
    text = '';
  });
  try {
    parser.write(xml).close();
  } catch (e) {
    error ??= e as Error;
  }
  if (error) throw new AutodiscoverParseError((error as Error).message);
  return out;
}
