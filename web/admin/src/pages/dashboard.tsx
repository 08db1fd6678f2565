/** The dashboard: this month's usage (users per day, the billing maximum, storage) per domain. */
import { useState } from 'preact/hooks';
import { get, query } from '../api';
import { DataTable } from '../components/data-table';
import { ErrorLine, Link, bytes, useLoad } from '../components/ui';
import { UsageChart } from '../components/usage-chart';
import { useSession } from '../session';
import type { Usage } from '../types';

const thisMonth = () => new Date().toISOString().slice(0, 7);

export function Dashboard() {
  const { domain, me } = useSession();
  const [month, setMonth] = useState(thisMonth());
  const { data, error, loading } = useLoad(() => get<{ items: Usage[] }>(`/usage${query({ month })}`), [month]);
  const current = data?.items.find((u) => u.domain === domain) ?? data?.items[0];
  return (
    <section>
      <h1 tabIndex={-1}>Dashboard</h1>
      <div class="toolbar">
        <label>
          Month
          <input type="month" value={month} onChange={(e) => e.currentTarget.value && setMonth(e.currentTarget.value)} />
        </label>
      </div>
      <ErrorLine error={error} />
      {loading && !data && <p>Loading…</p>}
      {current && (
        <>
          <h2>{current.domain}</h2>
          <dl class="cards">
            <div>
              <dt>Users now</dt>
              <dd>{current.currentUsers}</dd>
            </div>
            <div>
              <dt>Most users this month</dt>
              <dd>{current.maxUsers}</dd>
            </div>
            <div>
              <dt>Storage now</dt>
              <dd>{bytes(current.currentStorageBytes)}</dd>
            </div>
          </dl>
          <UsageChart usage={current} />
        </>
      )}
      {data && data.items.length > 1 && (
        <>
          <h2>Every domain</h2>
          <DataTable
            caption={`Usage in ${month}${me.roles.serverAdmin || me.roles.serverReadOnly ? ' (billing)' : ''}`}
            columns={['Domain', 'Users now', 'Most users', 'Storage']}
            rows={data.items}
            row={(u) => (
              <tr key={u.domain}>
                <th scope="row">
                  <Link to={`d/${encodeURIComponent(u.domain)}/users`}>{u.domain}</Link>
                </th>
                <td>{u.currentUsers}</td>
                <td>{u.maxUsers}</td>
                <td>{bytes(u.currentStorageBytes)}</td>
              </tr>
            )}
          />
        </>
      )}
    </section>
  );
}
