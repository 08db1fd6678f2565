/** Entry of the admin console (served at /admin/ by protocols/admin-web). */
import { render } from 'preact';
import { App } from './app';
import './styles.css';

render(<App />, document.getElementById('app')!);
