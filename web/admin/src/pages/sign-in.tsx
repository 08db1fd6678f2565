/** Sign in with an administrator's address and password (POST /api/v1/auth/token). */
import { useState } from 'preact/hooks';
import { request, token } from '../api';
import { ErrorLine, Field, useAction } from '../components/ui';

export function SignIn({ onSignedIn, reason }: { onSignedIn: () => void; reason: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const { data } = await request<{ token: string; expiresAt: string }>('POST', '/auth/token', { email: email.trim(), password });
      token.set(data.token, data.expiresAt);
      setPassword('');
      onSignedIn();
    });
  };
  return (
    <main id="main" class="sign-in" tabIndex={-1}>
      <h1>Hearth administration</h1>
      {reason && <p class="notice">{reason}</p>}
      <form onSubmit={submit} aria-describedby="sign-in-help">
        <p id="sign-in-help">Sign in with the address and password of a server or domain administrator.</p>
        <Field label="Email address" type="email" name="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <Field label="Password" type="password" name="password" autoComplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <ErrorLine error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
