/**
 * One mailing list: its settings (saved with the ETag as If-Match, so a change made meanwhile is
 * refused with 412 rather than overwritten), its members (add with a role, remove; disabled
 * members, stopped by bounces, are marked), and delete with a confirmation.
 */
import { useState } from 'preact/hooks';
import { send, seg } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { RowButton } from '../components/data-table';
import { AddForm, FormFooter, PanelForm, SelectField, TextAreaField, useFormAction } from '../components/form-parts';
import { PagedTable, usePagedList } from '../components/paged-list';
import { ErrorLine, Field, Link, Notice, when } from '../components/ui';
import { useVersioned, type Versioned } from '../components/versioned';
import { navigate } from '../router';
import { useSession } from '../session';
import type { ListMember, MailingList } from '../types';

const LIMIT = 50;
const POLICIES = ['allow', 'moderate', 'deny'];
const ROLES = ['member', 'moderator', 'owner'];

export function ListDetail({ domain, address }: { domain: string; address: string }) {
  const { canWrite } = useSession();
  const list = useVersioned<MailingList>(`/lists/${seg(address)}`);
  const writable = canWrite(domain);
  return (
    <section>
      <p>
        <Link to={`d/${seg(domain)}/lists`}>Mailing lists of {domain}</Link>
      </p>
      <h1 tabIndex={-1}>{address}</h1>
      <ErrorLine error={list.error} />
      {list.current && (
        <>
          <Settings list={list} writable={writable} />
          <Members address={address} writable={writable} />
          {writable && (
            <ConfirmButton
              label="Delete list"
              title={`Delete ${address}?`}
              danger
              onConfirm={async () => {
                await list.write('DELETE');
                navigate(`d/${seg(domain)}/lists`);
              }}
            >
              <p>The list and its members are removed; mail to the address is refused afterwards.</p>
            </ConfirmButton>
          )}
        </>
      )}
    </section>
  );
}

function Settings({ list, writable }: { list: Versioned<MailingList>; writable: boolean }) {
  const shown = list.current!.data;
  const act = useFormAction();
  const submit = act.submit(async (f) => {
    const text = (k: string) => String(f.get(k) ?? '').trim();
    // The answer is the list as saved, with the tag the next save must carry.
    await list.write(
      'PATCH',
      {
        name: text('name') || shown.name,
        subjectPrefix: text('subjectPrefix') || null,
        description: text('description') || null,
        replyTo: text('replyTo'),
        subscription: text('subscription'),
        memberPosts: text('memberPosts'),
        nonMemberPosts: text('nonMemberPosts'),
        moderatorPosts: text('moderatorPosts'),
        bounceLimit: Number(text('bounceLimit') || '0'),
      },
      { adopt: true },
    );
    return 'Saved.';
  });
  return (
    <PanelForm title="Settings" onSubmit={submit}>
      <fieldset disabled={!writable}>
        <Field label="Name" name="name" required defaultValue={shown.name} />
        <Field label="Subject prefix" name="subjectPrefix" defaultValue={shown.subjectPrefix ?? ''} hint="e.g. [team]; empty: none" />
        <TextAreaField id="list-description" label="Description" name="description" rows={2} defaultValue={shown.description ?? ''} />
        <SelectField label="Replies go to" id="list-replyTo" name="replyTo" value={shown.replyTo} options={['sender', 'list']} />
        <SelectField label="Subscription by mail" id="list-subscription" name="subscription" value={shown.subscription} options={['open', 'moderated', 'closed']} />
        <SelectField label="Posts by members" id="list-memberPosts" name="memberPosts" value={shown.memberPosts} options={POLICIES} />
        <SelectField label="Posts by non-members" id="list-nonMemberPosts" name="nonMemberPosts" value={shown.nonMemberPosts} options={POLICIES} />
        <SelectField label="Posts by moderators" id="list-moderatorPosts" name="moderatorPosts" value={shown.moderatorPosts} options={POLICIES} />
        <Field label="Bounce limit" name="bounceLimit" type="number" min={0} max={1000} defaultValue={String(shown.bounceLimit)} hint="A member is disabled after this many bounces; 0: never" />
      </fieldset>
      <FormFooter act={act} submit="Save settings" show={writable} />
    </PanelForm>
  );
}

function Members({ address, writable }: { address: string; writable: boolean }) {
  const members = usePagedList<ListMember>(`/lists/${seg(address)}/members`, LIMIT);
  const [member, setMember] = useState('');
  const [role, setRole] = useState('member');
  const act = useFormAction();
  const add = act.submit(async () => {
    const m = member.trim();
    await send('PUT', `/lists/${seg(address)}/members/${seg(m)}`, { role });
    setMember('');
    members.reload();
    return `${m} is a ${role} of the list.`;
  });
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
        <AddForm label="Add a member" submit="Add member" act={act} onSubmit={add}>
          <Field label="Member address" type="email" required value={member} onInput={(e) => setMember(e.currentTarget.value)} />
          <SelectField id="member-role" label="Role" options={ROLES} value={role} onValue={setRole} />
        </AddForm>
      )}
      <ErrorLine error={act.error} />
      <Notice text={act.notice} />
      <PagedTable
        list={members}
        caption="Members"
        columns={['Address', 'Role', 'State', 'Since']}
        actions={writable}
        row={(m) => (
          <tr key={m.address}>
            <th scope="row">{m.address}</th>
            <td>{m.role}</td>
            <td>{m.disabled ? `disabled (${m.bounces} bounces)` : 'active'}</td>
            <td>{when(m.createdAt)}</td>
            {writable && (
              <td>
                <RowButton label="Remove" target={m.address} busy={act.busy} onClick={() => void remove(m)} />
              </td>
            )}
          </tr>
        )}
      />
    </div>
  );
}
