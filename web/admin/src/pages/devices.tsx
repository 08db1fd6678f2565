/** Every ActiveSync device of the domain's users (GET /domains/{d}/devices), with wipe and access. */
import { useState } from 'preact/hooks';
import { get, query, seg, type Page } from '../api';
import { ErrorLine, Pager, useLoad } from '../components/ui';
import { DeviceTable } from '../components/device-table';
import { useSession } from '../session';
import type { Device } from '../types';

const LIMIT = 50;

export function Devices({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [offset, setOffset] = useState(0);
  const list = useLoad(() => get<Page<Device>>(`/domains/${seg(domain)}/devices${query({ limit: LIMIT, offset })}`), [domain, offset]);
  return (
    <section>
      <h1 tabIndex={-1}>Devices of {domain}</h1>
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <DeviceTable devices={list.data.items} canWrite={canWrite(domain)} onChanged={list.reload} showAccount />
          <Pager total={list.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </>
      )}
    </section>
  );
}
