/**
 * One mailing list: its settings (saved with the ETag as If-Match, so a change made meanwhile is
 * refused with 412 rather than overwritten), its members (add with a role, remove; disabled
 * members, stopped by bounces, are marked), and delete with a confirmation.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, query, request, send, seg, type Page } from '../api';
import { ConfirmDialog } from '../components/confirm-dialog';
import { ErrorLine, Field, Link, Notice, Pager, useAction, useLoad, when } from '../components/ui';
import { navigate } from '../router';
import { useSession } from '../session';
import type { ListMember, MailingList } from '../types';

const LIMIT = 50;
const POLICIES = ['allow', 'moderate', 'deny'];

export function ListDetail({ domain, address }: { domain: string; address: string }) {
  const { canWrite } = useSession();
  const current = useLoad(() => request<MailingList>('GET', `/lists/${seg(address)}`), [address]);
  const [deleting, setDeleting] = useState(false);
  // The tag of the version on screen: from the load, then from each save's answer.
  const [etag, setEtag] = useState<string | null>(null);
  useEffect(() => setEtag(current.data?.etag ?? null), [current.data]);
  const writable = canWrite(domain);
  return (
    <section>
      <p>
        <Link to={`d/${seg(domain)}/lists`}>Mailing lists of {domain}</Link>
      </p>
      <h1 tabIndex={-1}>{address}</h1>
      <ErrorLine error={current.error} />
      {current.data && (
        <>
          <Settings list={current.data.data} etag={etag} writable={writable} onSaved={setEtag} />
          <Members address={address} writable={writable} />
          {writable && (
            <button type="button" class="danger" onClick={() => setDeleting(true)}>
              Delete list
            </button>
          )}
          {deleting && (
            <ConfirmDialog
              title={`Delete ${address}?`}
              confirm="Delete list"
              danger
              onConfirm={async () => {
                await send('DELETE', `/lists/${seg(address)}`, undefined, etag);
                navigate(`d/${seg(domain)}/lists`);
              }}
              onClose={() => setDeleting(false)}
            >
              <p>The list and its members are removed; mail to the address is refused afterwards.</p>
            </ConfirmDialog>
          )}
        </>
      )}
    </section>
  );
}

function Choice({ label, name, value, options }: { label: string; name: string; value: string; options: string[] }) {
  const id = `list-${name}`;
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {/* `selected` on the option: Preact has no defaultValue for <select>, which would show the first option. */}
      <select id={id} name={name}>
        {options.map((o) => (
          <option key={o} value={o} selected={o === value}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

function Settings({ list, etag, writable, onSaved }: { list: MailingList; etag: string | null; writable: boolean; onSaved: (etag: string | null) => void }) {
  const act = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const text = (k: string) => String(f.get(k) ?? '').trim();
    void act.run(async () => {
      const saved = await request<MailingList>(
        'PATCH',
        `/lists/${seg(list.address)}`,
        {
          name: text('name') || list.name,
          subjectPrefix: text('subjectPrefix') || null,
          description: text('description') || null,
          replyTo: text('replyTo'),
          subscription: text('subscription'),
          memberPosts: text('memberPosts'),
          nonMemberPosts: text('nonMemberPosts'),
          moderatorPosts: text('moderatorPosts'),
          bounceLimit: Number(text('bounceLimit') || '0'),
        },
        etag ? { 'if-match': etag } : {},
      );
      onSaved(saved.etag);
      return 'Saved.';
    });
  };
  return (
    <form class="panel" onSubmit={submit} aria-labelledby="list-settings-h">
      <h2 id="list-settings-h">Settings</h2>
      <fieldset disabled={!writable}>
        <Field label="Name" name="name" required defaultValue={list.name} />
        <Field label="Subject prefix" name="subjectPrefix" defaultValue={list.subjectPrefix ?? ''} hint="e.g. [team]; empty: none" />
        <div class="field">
          <label for="list-description">Description</label>
          <textarea id="list-description" name="description" rows={2} defaultValue={list.description ?? ''} />
        </div>
        <Choice label="Replies go to" name="replyTo" value={list.replyTo} options={['sender', 'list']} />
        <Choice label="Subscription by mail" name="subscription" value={list.subscription} options={['open', 'moderated', 'closed']} />
        <Choice label="Posts by members" name="memberPosts" value={list.memberPosts} options={POLICIES} />
        <Choice label="Posts by non-members" name="nonMemberPosts" value={list.nonMemberPosts} options={POLICIES} />
        <Choice label="Posts by moderators" name="moderatorPosts" value={list.moderatorPosts} options={POLICIES} />
        <Field label="Bounce limit" name="bounceLimit" type="number" min={0} max={1000} defaultValue={String(list.bounceLimit)} hint="A member is disabled after this many bounces; 0: never" />
      </fieldset>
      <ErrorLine error={act.error} />
      {writable && (
        <button type="submit" class="primary" disabled={act.busy}>
          Save settings
        </button>
      )}
      <Notice text={act.notice} />
    </form>
  );
}

function Members({ address, writable }: { address: string; writable: boolean }) {
  const [offset, setOffset] = useState(0);
  const members = useLoad(() => get<Page<ListMember>>(`/lists/${seg(address)}/members${query({ limit: LIMIT, offset })}`), [address, offset]);
  const [member, setMember] = useState('');
  const [role, setRole] = useState('member');
  const act = useAction();
  const add = (e: Event) => {
    e.preventDefault();
    void act.run(async () => {
      const m = member.trim();
      await send('PUT', `/lists/${seg(address)}/members/${seg(m)}`, { role });
      setMember('');
      members.reload();
      return `${m} is a ${role} of the list.`;
    });
  };
  const remove = (m: ListMember) =>
    act.run(async () => {
      await send('DELETE', `/lists/${seg(address)}/members/${seg(m.address)}`);
      members.reload();
      return `${m.address} is removed.`;
    });
  return (
    <div class="panel">
      <h2>Members</h2>
      {writable && (
        <form onSubmit={add} aria-label="Add a member">
          <Field label="Member address" type="email" required value={member} onInput={(e) => setMember(e.currentTarget.value)} />
          <div class="field">
            <label for="member-role">Role</label>
            <select id="member-role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              <option value="member">member</option>
              <option value="moderator">moderator</option>
              <option value="owner">owner</option>
            </select>
          </div>
          <button type="submit" class="primary" disabled={act.busy}>
            Add member
          </button>
        </form>
      )}
      <ErrorLine error={act.error} />
      <Notice text={act.notice} />
      <ErrorLine error={members.error} />
      {members.data && (
        <>
          <div class="table-wrap">
            <table>
              <caption>Members ({members.data.total})</caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">Role</th>
                  <th scope="col">State</th>
                  <th scope="col">Since</th>
                  {writable && <th scope="col"><span class="sr-only">Actions</span></th>}
                </tr>
              </thead>
              <tbody>
                {members.data.items.map((m) => (
                  <tr key={m.address}>
                    <th scope="row">{m.address}</th>
                    <td>{m.role}</td>
                    <td>{m.disabled ? `disabled (${m.bounces} bounces)` : 'active'}</td>
                    <td>{when(m.createdAt)}</td>
                    {writable && (
                      <td>
                        <button type="button" class="danger" disabled={act.busy} onClick={() => void remove(m)}>
                          Remove<span class="sr-only"> {m.address}</span>
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager total={members.data.total} limit={LIMIT} offset={offset} onOffset={setOffset} />
        </>
      )}
    </div>
  );
}
