/**
 * The outbound queue: paged, filtered by state, domain and text; one message's recipients with
 * their last errors; retry now and delete (no bounce), each after a confirmation. Domain roles
 * see only their domains' messages: the API scopes the list and answers 404 for others.
 */
import { useState } from 'preact/hooks';
import { get, query, request, send, seg, type Page } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorLine, Link, Notice, Pager, bytes, useLoad, when } from '../components/ui';
import { navigate } from '../router';
import { useSession } from '../session';
import type { QueuedMessage } from '../types';

const LIMIT = 50;
const STATES = ['pending', 'deferred', 'delivered', 'failed'];
const sender = (m: QueuedMessage) => m.mailFrom || '<> (bounce)';
const states = (m: QueuedMessage) => [...new Set(m.recipients.map((r) => r.state))].join(', ');

export function Queue() {
  const { domains } = useSession();
  const [state, setState] = useState('');
  const [domain, setDomain] = useState('');
  const [q, setQ] = useState('');
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => get<Page<QueuedMessage>>(`/queue${query({ state, domain, q, limit: LIMIT, offset })}`), [state, domain, q, offset]);
  const filter = (set: (v: string) => void) => (e: Event) => {
    set((e.currentTarget as HTMLInputElement | HTMLSelectElement).value);
    setOffset(0);
  };
  return (
    <section>
      <h1 tabIndex={-1}>Outbound queue</h1>
      <div class="toolbar">
        <label>
          State
          <select value={state} onChange={filter(setState)}>
            <option value="">any</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {domains.length > 1 && (
          <label>
            Domain
            <select value={domain} onChange={filter(setDomain)}>
              <option value="">all</option>
              {domains.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
        )}
        <label>
          Sender or recipient
          <input type="search" value={q} onInput={filter(setQ)} />
        </label>
      </div>
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <div class="table-wrap">
            <table>
              <caption>Queued messages ({list.data.total})</caption>
              <thead>
                <tr>
                  <th scope="col">Message</th>
                  <th scope="col">From</th>
                  <th scope="col">To</th>
                  <th scope="col">State</th>
                  <th scope="col">Next attempt</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((m) => (
                  <tr key={m.id}>
                    <th scope="row">
                      <Link to={`queue/${seg(m.id)}`}>#{m.id}</Link>
                    </th>
                    <td>{sender(m)}</td>
                    <td>{m.recipients.map((r) => r.address).join(', ')}</td>
                    <td>{states(m)}</td>
                    <td>{when(m.nextAttemptAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={list.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}

export function QueuedMessageDetail({ id }: { id: string }) {
  const { me } = useSession();
  // Read-only roles get no buttons (the API would refuse them anyway).
  const writer = !me.readOnly && (me.roles.serverAdmin || me.roles.adminDomains.length > 0);
  const current = useLoad(() => request<QueuedMessage>('GET', `/queue/${seg(id)}`), [id]);
  const [asking, setAsking] = useState<'retry' | 'delete' | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const m = current.data?.data;
  return (
    <section>
      <p>
        <Link to="queue">Outbound queue</Link>
      </p>
      <h1 tabIndex={-1}>Queued message #{id}</h1>
      <Notice text={notice} />
      <ErrorLine error={current.error} />
      {m && (
        <>
          <dl class="facts">
            <dt>From</dt>
            <dd>{sender(m)}</dd>
            <dt>Submitted by</dt>
            <dd>{m.submittedBy ?? 'received from another server'}</dd>
            <dt>Size</dt>
            <dd>{bytes(m.size)}</dd>
            <dt>Attempts</dt>
            <dd>{m.attempts}</dd>
            <dt>Queued</dt>
            <dd>{when(m.createdAt)}</dd>
            <dt>Next attempt</dt>
            <dd>{when(m.nextAttemptAt)}</dd>
            <dt>Expires</dt>
            <dd>{when(m.expiresAt)}</dd>
          </dl>
          <div class="table-wrap">
            <table>
              <caption>Recipients</caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">State</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last error</th>
                </tr>
              </thead>
              <tbody>
                {m.recipients.map((r) => (
                  <tr key={r.address}>
                    <th scope="row">{r.address}</th>
                    <td>{r.state}</td>
                    <td>{r.attempts}</td>
                    <td>{r.lastError ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {writer && (
            <div class="buttons">
              <button type="button" onClick={() => setAsking('retry')}>
                Retry now
              </button>
              <button type="button" class="danger" onClick={() => setAsking('delete')}>
                Delete message
              </button>
            </div>
          )}
        </>
      )}
      {asking === 'retry' && (
        <ConfirmDialog
          title={`Retry message #${id} now?`}
          confirm="Retry now"
          onConfirm={async () => {
            await send('POST', `/queue/${seg(id)}/retry`, undefined, current.data?.etag);
            current.reload();
            return `Message #${id} is due now.`;
          }}
          onClose={(n) => {
            setAsking(null);
            if (n) setNotice(n);
          }}
        >
          <p>Delivery to its pending and deferred recipients is tried at once; failed recipients stay failed.</p>
        </ConfirmDialog>
      )}
      {asking === 'delete' && (
        <ConfirmDialog
          title={`Delete message #${id}?`}
          confirm="Delete message"
          danger
          onConfirm={async () => {
            await send('DELETE', `/queue/${seg(id)}`, undefined, current.data?.etag);
            navigate('queue');
          }}
          onClose={(n) => {
            setAsking(null);
            if (n) setNotice(n);
          }}
        >
          <p>The message is removed without being delivered, and no bounce is sent to its sender.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
