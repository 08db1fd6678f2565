// RFC 5256 §3 THREAD algorithms on message records, written as the THREAD response would show
// them (codec composeThreads), including the edge cases the RFC names: missing and duplicate
// Message-IDs, loops, truncated References, dummies, subject merging.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { orderedSubject, referencesThreads, type ThreadMessage } from '../../../../../protocols/imap/server/sort/threading.js';
import { composeThreads } from '../../../../../protocols/imap/codec/compose-thread.js';

let clock = 0;
/** A message numbered by its position (1-based); dates rise with position unless given. */
function msgs(...specs: Array<Partial<ThreadMessage>>): ThreadMessage[] {
  return specs.map((s, i) => ({ id: i + 1, messageId: null, references: [], subject: '', date: (clock += 1000), ...s }));
}
const refs = (m: ThreadMessage[]) => composeThreads(referencesThreads(m));
const ordered = (m: ThreadMessage[]) => composeThreads(orderedSubject(m));

describe('THREAD=REFERENCES (RFC 5256 §3)', () => {
  it('builds chains and branches from References and In-Reply-To', () => {
    assert.equal(refs(msgs(
      { messageId: 'a' },
      { messageId: 'b', references: ['a'] },
      { messageId: 'c', references: ['a'] },
      { messageId: 'd', references: ['a', 'b'] },
    )), '(1 (2 4)(3))');
    assert.equal(refs(msgs({ messageId: 'a' }, { messageId: 'b', references: ['a'] }, { messageId: 'c', references: ['b'] })), '(1 2 3)');
  });
  it('gives a duplicate or missing Message-ID a unique one', () => {
    assert.equal(refs(msgs({ messageId: 'a' }, { messageId: 'a' })), '(1)(2)');
    assert.equal(refs(msgs({ messageId: 'a' }, { messageId: 'b', references: ['a'] }, { messageId: 'c', references: ['b'] }, { messageId: 'b', references: ['a'] })), '(1 (2 3)(4))');
    assert.equal(refs(msgs({}, {})), '(1)(2)');
  });
  it('a message filling in a dummy takes its place', () => {
    assert.equal(refs(msgs({ messageId: 'a' }, { messageId: 'c', references: ['b'] }, { messageId: 'b', references: ['a'] })), '(1 3 2)');
  });
  it('keeps a dummy with several children at the top, promotes a single child', () => {
    assert.equal(refs(msgs({ references: ['gone'] }, { references: ['gone'] })), '((1)(2))');
    assert.equal(refs(msgs({ messageId: 'x', references: ['gone'] })), '(1)');
    assert.equal(refs(msgs({ messageId: 'a' }, { messageId: 'c', references: ['a', 'gone'] })), '(1 2)', 'a dummy below the top gives its child to its parent');
  });
  it('never makes a loop: a References loop and a self-reference', () => {
    // 2 says a → c → b; 3 (c) says its parent is b: that would loop, so c stays without parent.
    const m = msgs({ messageId: 'a', date: 3000 }, { messageId: 'b', references: ['a', 'c'], date: 1000 }, { messageId: 'c', references: ['b'], date: 2000 });
    assert.equal(refs(m), '(3 2)(1)');
    assert.equal(refs(msgs({ messageId: 'a', references: ['a'] })), '(1)');
    // 1 makes b (a dummy then) its parent; 2, which is b, cannot take a as parent any more.
    assert.equal(refs(msgs({ messageId: 'a', references: ['b'] }, { messageId: 'b', references: ['a'] })), '(2 1)');
  });
  it('replaces the parent a truncated References gave with the last reference', () => {
    // 3 says x → 2; 2 arrives later in References of nobody: 2's own References (a) wins.
    assert.equal(refs(msgs({ messageId: 'a' }, { messageId: 'b', references: ['a'] }, { messageId: 'c', references: ['x', 'b'] }, { messageId: 'x' })), '(1 2 3)(4)');
  });
  it('orders threads and siblings by sent date, ties by mailbox order; a dummy by its first child', () => {
    assert.equal(refs(msgs({ messageId: 'a', date: 5 }, { messageId: 'b', date: 1 }, { messageId: 'c', date: 3 })), '(2)(3)(1)');
    assert.equal(refs(msgs({ messageId: 'p', date: 1 }, { references: ['p'], date: 9 }, { references: ['p'], date: 2 })), '(1 (3)(2))');
    assert.equal(refs(msgs({ date: 5 }, { references: ['z'], date: 7 }, { references: ['z'], date: 4 }, { date: 5 })), '((3)(2))(1)(4)');
  });
  it('merges top-level threads by base subject (step 5)', () => {
    // A reply without references goes under the original with the same base subject.
    assert.equal(refs(msgs({ messageId: 'a', subject: 'foo' }, { messageId: 'b', subject: 'Re: foo' })), '(1 2)');
    // Two originals of the same subject get a dummy parent.
    assert.equal(refs(msgs({ subject: 'foo' }, { subject: 'foo' })), '((1)(2))');
    // A reply met first is replaced in the subject table by the original.
    assert.equal(refs(msgs({ subject: 'Re: foo', date: 1 }, { subject: 'foo', date: 2 })), '(2 1)');
    // Empty subjects are never merged.
    assert.equal(refs(msgs({ subject: '' }, { subject: 'Re:' })), '(1)(2)');
    // A dummy thread takes a message of its subject as a child.
    assert.equal(refs(msgs({ references: ['z'], subject: 'Re: foo' }, { references: ['z'], subject: 'Re: foo' }, { subject: 'foo' })), '((1)(2)(3))');
  });
  it('threads reply chains tens of thousands deep without exhausting the stack', () => {
    const n = 30_000;
    const chain = Array.from({ length: n }, (_, i) => ({ id: i + 1, messageId: `m${i}`, references: i ? [`m${i - 1}`] : [], subject: 'x', date: i }));
    assert.equal(refs(chain), `(${chain.map((m) => m.id).join(' ')})`);
    // Each message answered twice, one answer continuing: nested lists as deep as the chain.
    const branching = Array.from({ length: n }, (_, i) => ({ id: i + 1, messageId: `b${i}`, references: i ? [`b${Math.floor((i - 1) / 2) * 2}`] : [], subject: 'x', date: i }));
    const text = refs(branching);
    assert.ok(text.startsWith('(1 (2)(3 (4)(5 (6)(7 ') && text.endsWith('))'), text.slice(0, 40));
    assert.equal(text.split('(').length, text.split(')').length);
  });
  it('answers an empty mailbox with no threads', () => {
    assert.equal(refs([]), '');
  });
});

describe('THREAD=ORDEREDSUBJECT (RFC 5256 §3)', () => {
  it('groups by base subject: first message at the top, the rest its children', () => {
    assert.equal(ordered(msgs({ subject: 'b' }, { subject: 'a' }, { subject: 'Re: a' }, { subject: 'Re: b' }, { subject: 'A' })), '(1 4)(2 (3)(5))');
  });
  it('orders within a subject by date and the threads by their first date', () => {
    assert.equal(ordered(msgs({ subject: 'x', date: 50 }, { subject: 'y', date: 10 }, { subject: 'x', date: 20 }, { subject: 'y', date: 30 })), '(2 4)(3 1)');
  });
  it('keeps messages without subject together', () => {
    assert.equal(ordered(msgs({ subject: '' }, { subject: 'Re:' }, { subject: 'z' })), '(1 2)(3)');
  });
});

describe('THREAD response syntax (RFC 5256 §4)', () => {
  it('writes chains flat, branches as nested lists, a dummy as its children alone', () => {
    assert.equal(composeThreads([{ id: 1, children: [{ id: 2, children: [{ id: 3, children: [] }] }] }]), '(1 2 3)');
    assert.equal(composeThreads([{ id: 1, children: [{ id: 2, children: [] }, { id: 3, children: [{ id: 4, children: [] }] }] }]), '(1 (2)(3 4))');
    assert.equal(composeThreads([{ id: null, children: [{ id: 1, children: [] }, { id: 2, children: [] }] }, { id: 3, children: [] }]), '((1)(2))(3)');
  });
});
