/** A domain's groups: list, create, and each group's members (add and remove are idempotent PUT/DELETE). */
import { useState } from 'preact/hooks';
import { get, send, seg } from '../api';
import { RowButton } from '../components/data-table';
import { AddressField, FormFooter, PanelForm, useFormAction } from '../components/form-parts';
import { PagerFor, usePagedList } from '../components/paged-list';
import { ErrorLine, Field, Notice, useAction, useLoad } from '../components/ui';
import { useSession } from '../session';
import type { AccountSummary } from '../types';

const LIMIT = 50;

export function Groups({ domain }: { domain: string }) {
  const { canWrite } = useSession();
  const [open, setOpen] = useState<string | null>(null);
  const list = usePagedList<AccountSummary>(`/domains/${seg(domain)}/groups`, LIMIT);
  const [local, setLocal] = useState('');
  const [name, setName] = useState('');
  const act = useFormAction();
  const writable = canWrite(domain);
  const create = act.submit(async () => {
    const email = `${local.trim()}@${domain}`;
    await send('POST', `/domains/${seg(domain)}/groups`, { email, ...(name.trim() ? { displayName: name.trim() } : {}) });
    setLocal('');
    setName('');
    list.reload();
    return `Group ${email} created.`;
  });
  return (
    <section>
      <h1 tabIndex={-1}>Groups of {domain}</h1>
      {writable && (
        <PanelForm title="New group" onSubmit={create}>
          <AddressField id="group-local" domain={domain} announceDomain required value={local} onValue={setLocal} />
          <Field label="Display name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <FormFooter act={act} submit="Create group" />
        </PanelForm>
      )}
      <ErrorLine error={list.error} />
      {list.data && (
        <>
          <ul class="plain">
            {list.data.items.map((g) => (
              <li key={g.email}>
                <button type="button" class="link" aria-expanded={open === g.email} onClick={() => setOpen(open === g.email ? null : g.email)}>
                  {g.email}
                  {g.displayName ? ` (${g.displayName})` : ''}
                </button>
                {open === g.email && <Members group={g.email} domain={domain} writable={writable} />}
              </li>
            ))}
          </ul>
          {list.data.total === 0 && <p>No groups yet.</p>}
          <PagerFor list={list} />
        </>
      )}
    </section>
  );
}

function Members({ group, domain, writable }: { group: string; domain: string; writable: boolean }) {
  const members = useLoad(() => get<{ items: AccountSummary[] }>(`/groups/${seg(group)}/members`), [group]);
  const [member, setMember] = useState('');
  const act = useAction();
  const change = (email: string, add: boolean) =>
    act.run(async () => {
      await send(add ? 'PUT' : 'DELETE', `/groups/${seg(group)}/members/${seg(email)}`);
      setMember('');
      members.reload();
      return add ? `${email} added.` : `${email} removed.`;
    });
  return (
    <div class="members">
      <ErrorLine error={members.error} />
      {members.data && (
        <ul>
          {members.data.items.map((m) => (
            <li key={m.email}>
              {m.email}{' '}
              {writable && (
                <RowButton label="Remove" target={m.email} danger={false} busy={act.busy} onClick={() => void change(m.email, false)} />
              )}
            </li>
          ))}
          {members.data.items.length === 0 && <li>No members.</li>}
        </ul>
      )}
      {writable && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const email = member.includes('@') ? member.trim() : `${member.trim()}@${domain}`;
            void change(email, true);
          }}
        >
          <Field label={`Add a member to ${group}`} required value={member} onInput={(e) => setMember(e.currentTarget.value)} />
          <button type="submit" disabled={act.busy}>
            Add member
          </button>
        </form>
      )}
      <ErrorLine error={act.error} />
      <Notice text={act.notice} />
    </div>
  );
}
