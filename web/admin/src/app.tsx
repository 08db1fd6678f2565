/**
 * The console's shell: sign-in gate, the header (the domain's logo and name for its
 * administrators), the navigation with the domain picker, and the page for the address.
 * After every navigation focus moves to the page's heading, so keyboard and screen-reader users
 * land on the new content.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError, get, token, whenSignedOut, type Page } from './api';
import { SessionContext, canWriteIn, isServerRole, type Session } from './session';
import { match, navigate, usePath } from './router';
import type { Domain, Me } from './types';
import { Link } from './components/ui';
import { DomainBrand } from './components/domain-brand';
import { SignIn } from './pages/sign-in';
import { Dashboard } from './pages/dashboard';
import { Domains } from './pages/domains';
import { Users } from './pages/users';
import { UserDetail } from './pages/user-detail';
import { Devices } from './pages/devices';
import { Aliases } from './pages/aliases';
import { Groups } from './pages/groups';
import { Delegation } from './pages/delegation';
import { Audit } from './pages/audit';
import { Lists } from './pages/lists';
import { ListDetail } from './pages/list-detail';
import { Queue, QueuedMessageDetail } from './pages/queue';
import { Resources } from './pages/resources';
import { Policies } from './pages/policies';
import { ApiKeys } from './pages/api-keys';
import { PublicFolders } from './pages/public-folders';
import { PublicFolderDetail } from './pages/public-folder-detail';

const DOMAIN_KEY = 'hearth.admin.domain';

type Loaded = { me: Me; domains: string[] };

export function App() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [checking, setChecking] = useState(!!token.get());

  const load = async () => {
    setChecking(true);
    try {
      const me = await get<Me>('/me');
      const page = await get<Page<Domain>>('/domains?limit=1000');
      setLoaded({ me, domains: page.items.map((d) => d.name) });
      setReason(null);
    } catch (e) {
      token.clear();
      setLoaded(null);
      setReason(e instanceof ApiError && e.status !== 401 ? e.message : null);
    } finally {
      setChecking(false);
    }
  };

  useEffect(() => {
    whenSignedOut(() => {
      setLoaded(null);
      setReason('Your session has ended: sign in again.');
    });
    if (token.get()) void load();
  }, []);

  if (checking && !loaded) return <p class="loading">Loading…</p>;
  if (!loaded) return <SignIn reason={reason} onSignedIn={() => void load()} />;
  return (
    <Console
      loaded={loaded}
      signOut={() => {
        token.clear();
        sessionStorage.removeItem(DOMAIN_KEY);
        setLoaded(null);
        setReason('You are signed out.');
        navigate('', true);
      }}
    />
  );
}

function Console({ loaded, signOut }: { loaded: Loaded; signOut: () => void }) {
  const path = usePath();
  const { me, domains } = loaded;
  const pathDomain = /^d\/([^/]+)/.exec(path)?.[1];
  const named = pathDomain ? safeDecode(pathDomain) : null;
  const [chosen, setChosen] = useState<string | null>(() => {
    const saved = sessionStorage.getItem(DOMAIN_KEY);
    return saved && domains.includes(saved) ? saved : (domains[0] ?? null);
  });
  // A domain named in the address that is not one of the caller's stays out of the header and
  // the picker; its page shows the API's 404 like any other unknown name.
  const domain = named && domains.includes(named) ? named : chosen;

  useEffect(() => {
    if (domain && domain !== chosen) setChosen(domain);
    if (domain) sessionStorage.setItem(DOMAIN_KEY, domain);
  }, [domain]);

  const session: Session = useMemo(
    () => ({
      me,
      domains,
      domain,
      setDomain: (d: string) => {
        setChosen(d);
        // Stay on the same kind of page in the other domain.
        const rest = /^d\/[^/]+\/([^/]+)/.exec(path)?.[1];
        if (rest) navigate(`d/${encodeURIComponent(d)}/${rest}`);
      },
      canWrite: (d) => canWriteIn(me, d),
      signOut,
    }),
    [me, domains, domain, path],
  );

  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [path]);

  const d = domain ? encodeURIComponent(domain) : '';
  const nav: { to: string; label: string; domain?: boolean }[] = [
    { to: '', label: 'Dashboard' },
    { to: 'domains', label: 'Domains' },
    { to: `d/${d}/users`, label: 'Users', domain: true },
    { to: `d/${d}/devices`, label: 'Devices', domain: true },
    { to: `d/${d}/aliases`, label: 'Aliases', domain: true },
    { to: `d/${d}/groups`, label: 'Groups', domain: true },
    { to: `d/${d}/resources`, label: 'Rooms and equipment', domain: true },
    { to: `d/${d}/delegation`, label: 'Delegation', domain: true },
    { to: `d/${d}/lists`, label: 'Mailing lists', domain: true },
    { to: `d/${d}/public-folders`, label: 'Public folders', domain: true },
    { to: `d/${d}/policies`, label: 'Policies', domain: true },
    { to: 'queue', label: 'Queue' },
    { to: 'audit', label: 'Audit log' },
    { to: 'api-keys', label: 'API keys' },
  ];
  const here = (to: string) => (to === '' ? path === '' : path === to || path.startsWith(`${to}/`));

  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <DomainBrand domain={isServerRole(me) ? null : domain} />
        <div class="who">
          <span>
            Signed in as <strong>{me.email}</strong>
            {me.readOnly ? ' (read-only)' : ''}
          </span>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav class="main-nav" aria-label="Console">
        {domains.length > 1 && (
          <label class="domain-pick">
            Domain
            <select value={domain ?? ''} onChange={(e) => session.setDomain(e.currentTarget.value)}>
              {domains.map((x) => (
                <option key={x} value={x}>
                  {x}
                </option>
              ))}
            </select>
          </label>
        )}
        <ul>
          {nav
            .filter((n) => !n.domain || domain)
            .map((n) => (
              <li key={n.label}>
                <Link to={n.to} aria-current={here(n.to) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
        </ul>
      </nav>
      <main id="main" ref={main} tabIndex={-1}>
        <Route path={path} />
      </main>
    </SessionContext.Provider>
  );
}

function Route({ path }: { path: string }) {
  let p: Record<string, string> | null;
  if (path === '') return <Dashboard />;
  if (match('domains', path)) return <Domains />;
  if (match('audit', path)) return <Audit />;
  if (match('api-keys', path)) return <ApiKeys />;
  if ((p = match('d/:domain/users', path))) return <Users domain={p.domain} />;
  if ((p = match('d/:domain/users/:email', path))) return <UserDetail domain={p.domain} email={p.email} />;
  if ((p = match('d/:domain/devices', path))) return <Devices domain={p.domain} />;
  if ((p = match('d/:domain/aliases', path))) return <Aliases domain={p.domain} />;
  if ((p = match('d/:domain/groups', path))) return <Groups domain={p.domain} />;
  if ((p = match('d/:domain/resources', path))) return <Resources domain={p.domain} />;
  if ((p = match('d/:domain/policies', path))) return <Policies domain={p.domain} />;
  if ((p = match('d/:domain/delegation', path))) return <Delegation domain={p.domain} />;
  if ((p = match('d/:domain/lists', path))) return <Lists domain={p.domain} />;
  if ((p = match('d/:domain/lists/:address', path))) return <ListDetail domain={p.domain} address={p.address} />;
  if ((p = match('d/:domain/public-folders', path))) return <PublicFolders domain={p.domain} />;
  if ((p = match('d/:domain/public-folders/:id', path))) return <PublicFolderDetail domain={p.domain} id={p.id} />;
  if (match('queue', path)) return <Queue />;
  if ((p = match('queue/:id', path))) return <QueuedMessageDetail id={p.id} />;
  return (
    <section>
      <h1 tabIndex={-1}>Not found</h1>
      <p>
        There is no such page. <Link to="">Go to the dashboard</Link>.
      </p>
    </section>
  );
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}
