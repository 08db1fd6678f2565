/**
 * The outbound queue: paged, filtered by state, domain and text; one message's recipients with
 * their last errors; retry now and delete (no bounce), each after a confirmation. Domain roles
 * see only their domains' messages: the API scopes the list and answers 404 for others.
 */
import { useState } from 'preact/hooks';
import { seg } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { DataTable } from '../components/data-table';
import { PagedTable, usePagedList } from '../components/paged-list';
import { ErrorLine, Link, Notice, bytes, when } from '../components/ui';
import { useVersioned } from '../components/versioned';
import { navigate } from '../router';
import { useSession } from '../session';
import { FilterSelect, SearchBox } from '../components/toolbar';
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
  const list = usePagedList<QueuedMessage>('/queue', LIMIT, { state, domain, q });
  return (
    <section>
      <h1 tabIndex={-1}>Outbound queue</h1>
      <div class="toolbar">
        <FilterSelect label="State" value={state} onValue={setState} first={{ value: '', label: 'any' }} options={STATES} />
        {domains.length > 1 && <FilterSelect label="Domain" value={domain} onValue={setDomain} first={{ value: '', label: 'all' }} options={domains} />}
        <SearchBox label="Sender or recipient" value={q} onValue={setQ} />
      </div>
      <PagedTable
        list={list}
        caption="Queued messages"
        columns={['Message', 'From', 'To', 'State', 'Next attempt']}
        row={(m) => (
          <tr key={m.id}>
            <th scope="row">
              <Link to={`queue/${seg(m.id)}`}>#{m.id}</Link>
            </th>
            <td>{sender(m)}</td>
            <td>{m.recipients.map((r) => r.address).join(', ')}</td>
            <td>{states(m)}</td>
            <td>{when(m.nextAttemptAt)}</td>
          </tr>
        )}
      />
    </section>
  );
}

export function QueuedMessageDetail({ id }: { id: string }) {
  const { me } = useSession();
  // Read-only roles get no buttons (the API would refuse them anyway).
  const writer = !me.readOnly && (me.roles.serverAdmin || me.roles.adminDomains.length > 0);
  const message = useVersioned<QueuedMessage>(`/queue/${seg(id)}`);
  const [notice, setNotice] = useState<string | null>(null);
  const m = message.current?.data;
  return (
    <section>
      <p>
        <Link to="queue">Outbound queue</Link>
      </p>
      <h1 tabIndex={-1}>Queued message #{id}</h1>
      <Notice text={notice} />
      <ErrorLine error={message.error} />
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
          <DataTable
            caption="Recipients"
            columns={['Address', 'State', 'Attempts', 'Last error']}
            rows={m.recipients}
            row={(r) => (
              <tr key={r.address}>
                <th scope="row">{r.address}</th>
                <td>{r.state}</td>
                <td>{r.attempts}</td>
                <td>{r.lastError ?? ''}</td>
              </tr>
            )}
          />
          {writer && (
            <div class="buttons">
              <ConfirmButton
                label="Retry now"
                title={`Retry message #${id} now?`}
                onConfirm={async () => {
                  await message.write('POST', undefined, { path: `/queue/${seg(id)}/retry` });
                  return `Message #${id} is due now.`;
                }}
                onDone={setNotice}
              >
                <p>Delivery to its pending and deferred recipients is tried at once; failed recipients stay failed.</p>
              </ConfirmButton>
              <ConfirmButton
                label="Delete message"
                title={`Delete message #${id}?`}
                danger
                onConfirm={async () => {
                  await message.write('DELETE');
                  navigate('queue');
                }}
                onDone={setNotice}
              >
                <p>The message is removed without being delivered, and no bounce is sent to its sender.</p>
              </ConfirmButton>
            </div>
          )}
        </>
      )}
    </section>
  );
}
