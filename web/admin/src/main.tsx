/** Entry of the admin console (served at /admin/ by protocols/admin-web). */
import { render } from 'preact';
import { App } from './app';
import './styles.css';

const root = document.getElementById('app')!;
// The static "Loading…" line is replaced, not diffed against.
root.textContent = '';
render(<App />, root);
