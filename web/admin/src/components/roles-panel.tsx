/**
 * A user's administrative roles (GET/PUT /users/{u}/roles, with If-Match): server administrator
 * and server read-only (shown to server administrators, who alone may change them), and per
 * domain the caller administers: administrator, read-only, or none. The API keeps roles in
 * domains the caller cannot see as they are.
 */
import { useEffect, useState } from 'preact/hooks';
import { request, seg } from '../api';
import { ErrorLine, Notice, useAction, useLoad } from './ui';
import { useSession } from '../session';

interface Roles {
  serverAdmin: boolean;
  serverReadOnly: boolean;
  adminDomains: string[];
  readOnlyDomains: string[];
}
type DomainRole = 'admin' | 'read' | 'none';

export function RolesPanel({ email, writable }: { email: string; writable: boolean }) {
  const { me, domains } = useSession();
  const loaded = useLoad(() => request<Roles>('GET', `/users/${seg(email)}/roles`), [email]);
  const [form, setForm] = useState<Roles | null>(null);
  useEffect(() => setForm(loaded.data?.data ?? null), [loaded.data]);
  const act = useAction();
  const server = me.roles.serverAdmin;
  const roleIn = (d: string): DomainRole => (form?.adminDomains.includes(d) ? 'admin' : form?.readOnlyDomains.includes(d) ? 'read' : 'none');
  const setRoleIn = (d: string, r: DomainRole) =>
    form &&
    setForm({
      ...form,
      adminDomains: r === 'admin' ? [...form.adminDomains.filter((x) => x !== d), d] : form.adminDomains.filter((x) => x !== d),
      readOnlyDomains: r === 'read' ? [...form.readOnlyDomains.filter((x) => x !== d), d] : form.readOnlyDomains.filter((x) => x !== d),
    });
  const save = (e: Event) => {
    e.preventDefault();
    if (!form) return;
    void act.run(async () => {
      const body: Partial<Roles> = { adminDomains: form.adminDomains, readOnlyDomains: form.readOnlyDomains };
      if (server) Object.assign(body, { serverAdmin: form.serverAdmin, serverReadOnly: form.serverReadOnly });
      const tag = loaded.data?.etag;
      await request('PUT', `/users/${seg(email)}/roles`, body, tag ? { 'if-match': tag } : {});
      loaded.reload();
      return `Roles of ${email} saved.`;
    });
  };
  return (
    <form class="panel" onSubmit={save} aria-labelledby="roles-h">
      <h2 id="roles-h">Administrative roles</h2>
      <ErrorLine error={loaded.error} />
      {form && (
        <>
          {server && (
            <fieldset>
              <legend>Server</legend>
              <label class="check">
                <input type="checkbox" disabled={!writable} checked={form.serverAdmin} onChange={(e) => setForm({ ...form, serverAdmin: e.currentTarget.checked })} />
                Server administrator
              </label>
              <label class="check">
                <input type="checkbox" disabled={!writable} checked={form.serverReadOnly} onChange={(e) => setForm({ ...form, serverReadOnly: e.currentTarget.checked })} />
                Server read-only
              </label>
            </fieldset>
          )}
          <div class="table-wrap">
            <table>
              <caption>Roles in your domains</caption>
              <thead>
                <tr>
                  <th scope="col">Domain</th>
                  <th scope="col">Role</th>
                </tr>
              </thead>
              <tbody>
                {domains.map((d) => (
                  <tr key={d}>
                    <th scope="row">{d}</th>
                    <td>
                      <select aria-label={`Role in ${d}`} disabled={!writable} value={roleIn(d)} onChange={(e) => setRoleIn(d, e.currentTarget.value as DomainRole)}>
                        <option value="none">none</option>
                        <option value="read">read-only</option>
                        <option value="admin">administrator</option>
                      </select>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ErrorLine error={act.error} />
          {writable && (
            <button type="submit" class="primary" disabled={act.busy}>
              Save roles
            </button>
          )}
          <Notice text={act.notice} />
        </>
      )}
    </form>
  );
}
