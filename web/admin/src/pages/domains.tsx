/**
 * Domains: the list the administrator may see; server administrators create domains and set
 * their limits; a domain's administrators set its footer. Edits carry the ETag as If-Match, so a
 * change made meanwhile by someone else is refused (412) instead of overwritten. Below the edit
 * form: the domain's DKIM key and the DNS record to publish.
 */
import { useState } from 'preact/hooks';
import { putBytes, send, seg } from '../api';
import { CreatePanel, FormFooter, PanelForm, TextAreaField, useFormAction } from '../components/form-parts';
import { PagedTable, usePagedList } from '../components/paged-list';
import { ErrorLine, Field, Link, Notice, bytes, parseBytes, useAction } from '../components/ui';
import { useVersioned } from '../components/versioned';
import { useSession } from '../session';
import type { Domain } from '../types';
import { SearchBox } from '../components/toolbar';
import { DkimPanel } from '../components/dkim-panel';

const LIMIT = 50;

export function Domains() {
  const { me, canWrite } = useSession();
  const [q, setQ] = useState('');
  const list = usePagedList<Domain>('/domains', LIMIT, { q });
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <section>
      <h1 tabIndex={-1}>Domains</h1>
      {me.roles.serverAdmin && <NewDomain onDone={list.reload} />}
      <div class="toolbar">
        <SearchBox label="Filter" value={q} onValue={setQ} />
      </div>
      <PagedTable
        list={list}
        caption="Domains"
        countInCaption={false}
        columns={['Name', 'Max users', 'Default quota', 'Max quota']}
        actions
        row={(d) => (
          <tr key={d.name}>
            <th scope="row">
              <Link to={`d/${seg(d.name)}/users`}>{d.name}</Link>
            </th>
            <td>{d.maxUsers ?? 'no limit'}</td>
            <td>{bytes(d.defaultQuota)}</td>
            <td>{bytes(d.maxQuota)}</td>
            <td>
              {canWrite(d.name) && (
                <button type="button" aria-expanded={editing === d.name} onClick={() => setEditing(editing === d.name ? null : d.name)}>
                  Edit<span class="sr-only"> {d.name}</span>
                </button>
              )}
            </td>
          </tr>
        )}
      />
      {editing && <EditDomain key={editing} name={editing} limits={me.roles.serverAdmin} onDone={list.reload} />}
      {editing && <DkimPanel key={`dkim-${editing}`} domain={editing} writable={canWrite(editing)} />}
    </section>
  );
}

function NewDomain({ onDone }: { onDone: () => void }) {
  const [name, setName] = useState('');
  const [maxUsers, setMaxUsers] = useState('');
  const [maxQuota, setMaxQuota] = useState('');
  const [defaultQuota, setDefaultQuota] = useState('');
  const act = useFormAction();
  const submit = act.submit(async () => {
    const n = name.trim().toLowerCase();
    await send('PUT', `/domains/${seg(n)}`, {
      maxUsers: maxUsers.trim() ? Number(maxUsers) : null,
      maxQuota: parseBytes(maxQuota),
      defaultQuota: parseBytes(defaultQuota),
    });
    setName('');
    onDone();
    return `Domain ${n} saved.`;
  });
  return (
    <CreatePanel summary="New domain" onSubmit={submit}>
      <Field label="Domain name" required value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="customer.example" />
      <Field label="Max users" type="number" min={1} value={maxUsers} onInput={(e) => setMaxUsers(e.currentTarget.value)} hint="Empty: no limit" />
      <Field label="Max quota" value={maxQuota} onInput={(e) => setMaxQuota(e.currentTarget.value)} hint="e.g. 10 GiB; empty: no limit" />
      <Field label="Default quota" value={defaultQuota} onInput={(e) => setDefaultQuota(e.currentTarget.value)} hint="e.g. 2 GiB" />
      <FormFooter act={act} submit="Create domain" />
    </CreatePanel>
  );
}

function EditDomain({ name, limits, onDone }: { name: string; limits: boolean; onDone: () => void }) {
  const domain = useVersioned<Domain>(`/domains/${seg(name)}`);
  const act = useFormAction();
  if (domain.error) return <ErrorLine error={domain.error} />;
  if (!domain.current) return <p>Loading…</p>;
  const d = domain.current.data;
  const submit = act.submit(async (f) => {
    const body: Record<string, unknown> = { footerText: String(f.get('footerText') ?? '') || null };
    if (limits) {
      const mu = String(f.get('maxUsers') ?? '').trim();
      body.maxUsers = mu ? Number(mu) : null;
      body.maxQuota = parseBytes(String(f.get('maxQuota') ?? ''));
      body.defaultQuota = parseBytes(String(f.get('defaultQuota') ?? ''));
    }
    await domain.write('PATCH', body);
    onDone();
    return `Domain ${name} saved.`;
  });
  return (
    <PanelForm title={`Edit ${name}`} onSubmit={submit}>
      {limits && (
        <>
          <Field label="Max users" name="maxUsers" type="number" min={1} defaultValue={d.maxUsers?.toString() ?? ''} hint="Empty: no limit" />
          <Field label="Max quota" name="maxQuota" defaultValue={d.maxQuota ? bytes(d.maxQuota) : ''} />
          <Field label="Default quota" name="defaultQuota" defaultValue={d.defaultQuota ? bytes(d.defaultQuota) : ''} />
        </>
      )}
      <TextAreaField id="footer-text" label="Footer added to outgoing mail" name="footerText" rows={3} defaultValue={d.footerText ?? ''} />
      <FormFooter act={act} submit="Save" />
      <Logo name={name} />
    </PanelForm>
  );
}

/** The domain's logo, shown to its administrators in the header: PNG, JPEG, GIF or WebP up to 256 KiB. */
function Logo({ name }: { name: string }) {
  const act = useAction();
  const [file, setFile] = useState<File | null>(null);
  const upload = () =>
    act.run(async () => {
      if (!file) return;
      await putBytes(`/domains/${seg(name)}/logo`, file);
      return 'The logo is saved: its administrators see it after their next sign-in or reload.';
    });
  const remove = () =>
    act.run(async () => {
      await send('DELETE', `/domains/${seg(name)}/logo`);
      return 'The logo is removed.';
    });
  return (
    <fieldset>
      <legend>Logo</legend>
      <div class="field">
        <label for="logo-file">Image file</label>
        <input id="logo-file" type="file" accept="image/png,image/jpeg,image/gif,image/webp" aria-describedby="logo-hint" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <small id="logo-hint" class="hint">PNG, JPEG, GIF or WebP, at most 256 KiB</small>
      </div>
      <div class="buttons">
        <button type="button" disabled={act.busy || !file} onClick={() => void upload()}>Upload logo</button>
        <button type="button" disabled={act.busy} onClick={() => void remove()}>Remove logo</button>
      </div>
      <ErrorLine error={act.error} />
      <Notice text={act.notice} />
    </fieldset>
  );
}
