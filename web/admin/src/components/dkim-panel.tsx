/**
 * The domain's DKIM key on the domain page: the selector and the DNS TXT record to publish
 * (RFC 6376 §3.6.1), read-only fields so it can be selected or copied whole; make a key when
 * there is none; rotate after a confirmation (the previous record must stay published a while).
 */
import { useState } from 'preact/hooks';
import { ApiError, request, send, seg } from '../api';
import type { DkimKey } from '../types';
import { ConfirmButton } from './confirm-button';
import { ErrorLine, Notice, useAction, useLoad, when } from './ui';

type Rotated = DkimKey & { previous: { selector: string; dnsName: string } };

export function DkimPanel({ domain, writable }: { domain: string; writable: boolean }) {
  // 404 means "no key yet", not a failure.
  const key = useLoad(async () => {
    try {
      return await request<DkimKey>('GET', `/domains/${seg(domain)}/dkim`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }, [domain]);
  const act = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const k = key.data?.data;
  const create = () =>
    act.run(async () => {
      await send('PUT', `/domains/${seg(domain)}/dkim`);
      key.reload();
      return 'The DKIM key is made: publish its record in DNS.';
    });
  const copy = (text: string) =>
    act.run(async () => {
      await navigator.clipboard.writeText(text);
      return 'Copied.';
    });
  return (
    <section class="panel" aria-labelledby="dkim-h">
      <h2 id="dkim-h">DKIM signing key</h2>
      <ErrorLine error={key.error} />
      {key.data === null && !key.loading && !key.error && (
        <>
          <p>{domain} has no DKIM key: its outgoing mail is not signed.</p>
          {writable && (
            <button type="button" class="primary" disabled={act.busy} onClick={() => void create()}>
              Create DKIM key
            </button>
          )}
        </>
      )}
      {k && (
        <>
          <dl class="facts">
            <dt>Selector</dt>
            <dd>{k.selector}</dd>
            <dt>Key</dt>
            <dd>
              {k.algorithm} {k.bits} bits, made {when(k.createdAt)}
            </dd>
          </dl>
          <p>Publish this TXT record in the domain's DNS zone:</p>
          <div class="field">
            <label for="dkim-name">DNS name</label>
            <input id="dkim-name" class="record" readOnly value={k.dnsName} onFocus={(e) => e.currentTarget.select()} />
          </div>
          <div class="field">
            <label for="dkim-value">TXT value</label>
            <textarea id="dkim-value" class="record" readOnly rows={4} value={k.dnsValue} onFocus={(e) => e.currentTarget.select()} />
          </div>
          <div class="buttons">
            <button type="button" onClick={() => void copy(k.dnsValue)}>
              Copy TXT value
            </button>
            <button type="button" onClick={() => void copy(`${k.dnsName}. IN TXT ${k.zoneFileValue}`)}>
              Copy zone file line
            </button>
            {writable && (
              <ConfirmButton
                label="Rotate key"
                title={`Rotate the DKIM key of ${domain}?`}
                danger
                onConfirm={async () => {
                  const r = await send<Rotated>('POST', `/domains/${seg(domain)}/dkim/rotate`, undefined, key.data?.etag);
                  key.reload();
                  return `New selector ${r.selector}: publish its record. Keep ${r.previous.dnsName} published for a few days.`;
                }}
                onDone={setNotice}
              >
                <p>
                  A new key under a new selector signs from now on. Publish the new record at once, and keep the old one ({k.dnsName}) until mail
                  signed with it has arrived.
                </p>
              </ConfirmButton>
            )}
          </div>
        </>
      )}
      <ErrorLine error={act.error} />
      <Notice text={notice ?? act.notice} />
    </section>
  );
}
