/** AirSyncBase:Body in and out (convert/body.ts): HTML to text, truncation on character boundaries. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { el } from '../../../../protocols/activesync/wbxml/types.js';
import { readBody, truncateUtf8, writeBody } from '../../../../protocols/activesync/convert/body.js';

const B = 'AirSyncBase';
const html = (data: string) => [el(B, 'Body', [el(B, 'Type', '2'), el(B, 'Data', data)])];

describe('convert/body', () => {
  it('turns an HTML body into text: scripts and styles dropped, breaks kept, entities decoded', () => {
    const text = readBody(html('<html><head><STYLE>p{}</STYLE><script type="x">alert(1)</Script></head><body><p>One &amp; two</p><div>Three<br/>four &lt;5&gt;</div><b>bold</b></body></html>'));
    assert.equal(text, 'One & two\nThree\nfour <5>\nbold');
    assert.equal(readBody(html('a <> b < c')), 'a <> b < c');
    assert.equal(readBody(html('x<script>never closed')), 'xnever closed');
  });

  it('reads a hostile HTML body of unclosed tags without stalling the event loop (was quadratic)', () => {
    const histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
    // 1.5 MiB, under the 2 MiB body limit: the old regexes needed minutes for this.
    const text = readBody(html('<script>'.repeat(196_608)));
    const text2 = readBody(html('<'.repeat(1_500_000)));
    histogram.disable();
    assert.equal(text, '');
    assert.equal(text2, '<'.repeat(1_500_000));
    // A synchronous call blocks the loop for its whole length; the histogram sees it on the next turn.
    return new Promise<void>((resolve) => setImmediate(() => {
      assert.ok(histogram.max / 1e6 < 2000, `event loop blocked for ${Math.round(histogram.max / 1e6)} ms`);
      resolve();
    }));
  });

  it('truncates on a UTF-8 character boundary', () => {
    assert.equal(truncateUtf8('héllo', 2), 'h');
    assert.equal(truncateUtf8('héllo', 3), 'hé');
    assert.equal(truncateUtf8('a😀b', 4), 'a');
    assert.equal(truncateUtf8('a😀b', 5), 'a😀');
    assert.equal(truncateUtf8('abc', 10), 'abc');
    const body = writeBody('x'.repeat(100), { type: 1, truncationSize: 10 })!;
    assert.equal(body.children.find((c) => c.tag === 'Data')?.text, 'x'.repeat(10));
    assert.ok(body.children.some((c) => c.tag === 'Truncated'));
  });
});
