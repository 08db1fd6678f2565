// ESEARCH answers for sorted results (RFC 5267 §3.1, §4.4) and the ADDTO/REMOVEFROM pairs of
// live results (§4.3), checked by applying the pairs the way a client must (§4.3.2: in order).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { orderedSet, partialSlice } from '../../../../protocols/imap/server/esearch-answer.js';
import { resultChanges } from '../../../../protocols/imap/server/search-context.js';

/** Applies REMOVEFROM then ADDTO pairs to a client's copy of a sorted result. */
function apply(list: number[], removed: Array<[number, number[]]>, added: Array<[number, number[]]>): number[] {
  const out = [...list];
  for (const [position, numbers] of removed) {
    assert.deepEqual(out.slice(position - 1, position - 1 + numbers.length), numbers, `REMOVEFROM (${position} ${numbers}) names what is there`);
    out.splice(position - 1, numbers.length);
  }
  for (const [position, numbers] of added) out.splice(position - 1, 0, ...numbers);
  return out;
}

describe('sorted ESEARCH data (RFC 5267)', () => {
  it('keeps the sort order in ALL, compressing only ascending runs', () => {
    assert.equal(orderedSet([5, 3, 4, 2, 1]), '5,3:4,2,1');
    assert.equal(orderedSet([1, 2, 3, 7, 8]), '1:3,7:8');
    assert.equal(orderedSet([]), '');
  });
  it('takes PARTIAL windows by position, reversed ranges and ranges past the end included', () => {
    const sorted = [5, 3, 4, 2, 1];
    assert.deepEqual(partialSlice(sorted, { from: 2, to: 4 }), { range: '2:4', slice: [3, 4, 2] });
    assert.deepEqual(partialSlice(sorted, { from: 4, to: 2 }), { range: '2:4', slice: [3, 4, 2] });
    assert.deepEqual(partialSlice(sorted, { from: 1, to: 6 }), { range: '1:6', slice: sorted });
    assert.deepEqual(partialSlice(sorted, { from: 6, to: 6 }), { range: '6:6', slice: [] });
    assert.deepEqual(partialSlice(sorted, { from: -1, to: -2 }), { range: '-1:-2', slice: [2, 1] });
    assert.deepEqual(partialSlice(sorted, { from: -4, to: -9 }), { range: '-4:-9', slice: [5, 3] });
  });
});

describe('live result changes (RFC 5267 §4.3)', () => {
  it('for SEARCH: position 0 and the sets', () => {
    assert.deepEqual(resultChanges([1, 2, 4], [2, 4, 7, 9], false), { removed: [[0, [1]]], added: [[0, [7, 9]]] });
    assert.deepEqual(resultChanges([1], [1], false), { removed: [], added: [] });
  });
  it('for SORT: pairs that, applied in order, turn the old list into the new one', () => {
    const cases: Array<[number[], number[]]> = [
      [[5, 3, 4, 2, 1], [5, 4, 1]],
      [[5, 4, 1], [9, 5, 3, 4, 8, 2, 1, 7]],
      [[1, 2, 3, 4, 5, 6], [2, 7, 5]],
      [[], [3, 1, 2]],
      [[3, 1, 2], []],
    ];
    for (const [before, after] of cases) {
      const { removed, added } = resultChanges(before, after, true);
      assert.deepEqual(apply(before, removed, added), after, `${before} → ${after}`);
    }
    assert.deepEqual(resultChanges([5, 3, 4, 2, 1], [5, 1], true).removed, [[2, [3, 4, 2]]]);
  });
});
