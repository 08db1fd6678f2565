// RFC 5256 §2.1 base subject extraction and the i;ascii-casemap key SORT SUBJECT compares.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { asciiCasemapKey, baseSubject, subjectSortKey } from '../../../../../protocols/imap/server/sort/base-subject.js';

const base = (s: string) => baseSubject(s).base;

describe('base subject (RFC 5256 §2.1)', () => {
  it('removes reply and forward leaders in any case, with blobs before them', () => {
    assert.equal(base('Re: hello'), 'hello');
    assert.equal(base('RE:hello'), 'hello');
    assert.equal(base('Fwd: Fw: re: hello'), 'hello');
    assert.equal(base('[list] Re: hello'), 'hello');
    assert.equal(base('Re [2]: hello'), 'hello', 'a blob between "re" and ":" (subj-refwd)');
    assert.equal(base('[foo] Fwd: [bar] Re: fw: b (fWd)  (fwd)'), 'b');
  });
  it('does not treat look-alike prefixes as leaders', () => {
    assert.equal(base('Ad: Re: Ad: Re: Ad: x'), 'Ad: Re: Ad: Re: Ad: x');
    assert.equal(base('Rex: hello'), 'Rex: hello');
    assert.equal(base('Fwdx: hello'), 'Fwdx: hello');
    assert.equal(base('Réponse: hello'), 'Réponse: hello');
  });
  it('removes "(fwd)" trailers and trailing space repeatedly', () => {
    assert.equal(base('hello (fwd)'), 'hello');
    assert.equal(base('hello (FWD) (fwd)   '), 'hello');
    assert.equal(base('hello(fwd)'), 'hello');
    assert.equal(base('hello (fw)'), 'hello (fw)');
  });
  it('removes a leading blob only when something is left after it (step 4)', () => {
    assert.equal(base('[xyz]'), '[xyz]');
    assert.equal(base('[xyz] '), '[xyz]');
    assert.equal(base('[a] [b] subject'), 'subject');
    assert.equal(base('[a] [b]'), '[b]');
    assert.equal(base('[a [b] c'), '[a [b] c', 'a "[" inside is no blob');
  });
  it('unwraps "[fwd: ...]" and starts over (step 6)', () => {
    assert.equal(base('Re: [FWD: c]'), 'c');
    assert.equal(base('re: [fwd: [fwd: re: [fwd: babylon]]]'), 'babylon');
    assert.equal(base('[fwd: hello (fwd)]'), 'hello');
    assert.equal(base('[fwd: hello'), '[fwd: hello', 'no closing bracket: left alone');
  });
  it('collapses tabs, continuations and runs of spaces (step 1)', () => {
    assert.equal(base('a\tb'), 'a b');
    assert.equal(base('a\r\n b'), 'a b');
    assert.equal(base('a    b'), 'a b');
    assert.equal(base('  Re:   a  '), 'a');
  });
  it('leaves an empty subject empty', () => {
    assert.equal(base(''), '');
    assert.equal(base(' '), '');
    assert.equal(base('Re:'), '');
    assert.equal(base('Re: (fwd)'), '');
  });
  it('tells replies and forwards from plain subjects', () => {
    assert.equal(baseSubject('hello').replyOrForward, false);
    assert.equal(baseSubject('[list] hello').replyOrForward, false);
    assert.equal(baseSubject('  hello  ').replyOrForward, false);
    assert.equal(baseSubject('Re: hello').replyOrForward, true);
    assert.equal(baseSubject('hello (fwd)').replyOrForward, true);
    assert.equal(baseSubject('[fwd: hello]').replyOrForward, true);
  });
  it('keeps non-ASCII text and folds only ASCII letters (i;ascii-casemap)', () => {
    assert.equal(base('Re: Grüße'), 'Grüße');
    assert.equal(asciiCasemapKey('grüße').toString('utf8'), 'GRüßE');
    assert.ok(subjectSortKey('Re: abc').equals(subjectSortKey('ABC')));
  });
  it('orders keys octet by octet: "_" and "[" after letters, shorter first', () => {
    const order = ['_', '[XYZ]', 'b', 'B (a)', 'babylon', 'a', ''].map((s) => ({ s, k: subjectSortKey(s) }));
    order.sort((x, y) => Buffer.compare(x.k, y.k));
    assert.deepEqual(order.map((o) => o.s), ['', 'a', 'b', 'B (a)', 'babylon', '[XYZ]', '_']);
  });
});
