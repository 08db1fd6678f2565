// The ESEARCH response of a SEARCH or SORT with RETURN options (RFC 4731 §3.1, RFC 5267 §3.1 ESORT,
// RFC 5267 §4.4 and RFC 9394 PARTIAL). `numbers` are the results in answer order: ascending for
// SEARCH, the sort order for SORT. For SORT, MIN and MAX are the first and last in that order,
// ALL and PARTIAL keep it (RFC 5267 §3.1): "5,3:4,2", compressing only ascending runs.
import { atom, type PartialRange, type ResponseValue, type SearchReturn } from '../codec/index.js';

/** A sequence set that keeps the order of `numbers`: runs n, n+1, ... become "n:m". */
export function orderedSet(numbers: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < numbers.length; ) {
    let j = i;
    while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
    parts.push(i === j ? String(numbers[i]) : `${numbers[i]}:${numbers[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The results a PARTIAL range names, 1-based positions; "4:2" is "2:4"; negative positions
 * count from the end (RFC 9394 §3.1). Returns the range as answered and the slice.
 */
export function partialSlice(numbers: number[], range: PartialRange): { range: string; slice: number[] } {
  const lo = Math.min(Math.abs(range.from), Math.abs(range.to));
  const hi = Math.max(Math.abs(range.from), Math.abs(range.to));
  if (range.from > 0) return { range: `${lo}:${hi}`, slice: numbers.slice(lo - 1, hi) };
  const end = numbers.length - lo + 1;
  return { range: `-${lo}:-${hi}`, slice: numbers.slice(Math.max(0, numbers.length - hi), Math.max(0, end)) };
}

export function returnOptions(ret: SearchReturn): { options: Set<string>; partial?: PartialRange } {
  const options = new Set<string>();
  let partial: PartialRange | undefined;
  for (const r of ret) {
    if (typeof r === 'string') options.add(r);
    else partial = r.partial;
  }
  // RETURN () means ALL (RFC 4731 §3.1, RFC 5267 §3.1); so does a RETURN with only the CONTEXT
  // hint. UPDATE alone asks for no result data (RFC 5267 §4.3).
  if (ret.length === 0 || (ret.length === 1 && options.has('CONTEXT'))) options.add('ALL');
  return { options, partial };
}

export function esearchValues(tag: string, uid: boolean, numbers: number[], ret: SearchReturn): ResponseValue[] {
  const { options, partial } = returnOptions(ret);
  const values: ResponseValue[] = [atom('ESEARCH'), [atom('TAG'), tag]];
  if (uid) values.push(atom('UID'));
  if (numbers.length > 0) {
    if (options.has('MIN')) values.push(atom('MIN'), numbers[0]);
    if (options.has('MAX')) values.push(atom('MAX'), numbers[numbers.length - 1]);
    if (options.has('ALL')) values.push(atom('ALL'), atom(orderedSet(numbers)));
  }
  if (options.has('COUNT')) values.push(atom('COUNT'), numbers.length);
  if (partial) {
    const { range, slice } = partialSlice(numbers, partial);
    values.push(atom('PARTIAL'), [atom(range), slice.length > 0 ? atom(orderedSet(slice)) : null]);
  }
  return values;
}
