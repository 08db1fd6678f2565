/** Every ActiveSync device of the domain's users (GET /domains/{d}/devices), with wipe and access. */
import { seg } from '../api';
import { DeviceTable } from '../components/device-table';
import { PagerFor, usePagedList } from '../components/paged-list';
import { ErrorLine } from '../components/ui';
import { useSession } from '../session';
import type { Device } from '../types';

const LIMIT = 50;

export function Devices({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const list = usePagedList<Device>(`/domains/${seg(domain)}/devices`, LIMIT);
  return (
    <section>
      <h1 tabIndex={-1}>Devices of {domain}</h1>
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <DeviceTable devices={list.data.items} canWrite={canWrite(domain)} onChanged={list.reload} showAccount />
          <PagerFor list={list} />
        </>
      )}
    </section>
  );
}
