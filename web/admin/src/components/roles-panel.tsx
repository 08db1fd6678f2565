/**
 * A user's administrative roles (GET/PUT /users/{u}/roles, with If-Match): server administrator
 * and server read-only (shown to server administrators, who alone may change them), and per
 * domain the caller administers: administrator, read-only, or none. The API keeps roles in
 * domains the caller cannot see as they are.
 */
import { seg } from '../api';
import { DataTable } from './data-table';
import { FormFooter, PanelForm, useFormAction } from './form-parts';
import { ErrorLine } from './ui';
import { useDraft, useVersioned } from './versioned';
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
  const roles = useVersioned<Roles>(`/users/${seg(email)}/roles`);
  const [form, setForm] = useDraft(roles);
  const act = useFormAction();
  const server = me.roles.serverAdmin;
  const roleIn = (d: string): DomainRole => (form?.adminDomains.includes(d) ? 'admin' : form?.readOnlyDomains.includes(d) ? 'read' : 'none');
  const setRoleIn = (d: string, r: DomainRole) =>
    form &&
    setForm({
      ...form,
      adminDomains: r === 'admin' ? [...form.adminDomains.filter((x) => x !== d), d] : form.adminDomains.filter((x) => x !== d),
      readOnlyDomains: r === 'read' ? [...form.readOnlyDomains.filter((x) => x !== d), d] : form.readOnlyDomains.filter((x) => x !== d),
    });
  const save = act.submit(async () => {
    if (!form) return;
    const body: Partial<Roles> = { adminDomains: form.adminDomains, readOnlyDomains: form.readOnlyDomains };
    if (server) Object.assign(body, { serverAdmin: form.serverAdmin, serverReadOnly: form.serverReadOnly });
    await roles.write('PUT', body);
    return `Roles of ${email} saved.`;
  });
  return (
    <PanelForm title="Administrative roles" onSubmit={save}>
      <ErrorLine error={roles.error} />
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
          <DataTable
            caption="Roles in your domains"
            columns={['Domain', 'Role']}
            rows={domains}
            row={(d) => (
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
            )}
          />
          <FormFooter act={act} submit="Save roles" show={writable} />
        </>
      )}
    </PanelForm>
  );
}
