/** The set-up page's two views: sign-in, and the signed-in user's page (profile, settings, QR codes, devices, out-of-office). */
import type { Device } from '../../src/model/types.js';
import type { ClientSettings } from './client-settings.js';
import type { OofForm } from './oof-form.js';
import { html, page, raw, type Raw } from './html.js';

export function signInPage(serverName: string, opts: { error?: string; email?: string } = {}): string {
  return page(
    `Sign in: set up your devices (${serverName})`,
    html`<h1>Set up your mail, calendars and contacts</h1>
<p class="muted">on ${serverName}</p>
${opts.error ? html`<p class="error" role="alert">${opts.error}</p>` : ''}
<form method="post" action="/setup/sign-in">
<label for="email">Your email address</label>
<input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="${opts.email ?? ''}">
<label for="password">Your password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
<button type="submit">Sign in</button>
</form>`,
  );
}

export interface HomeView {
  serverName: string;
  email: string;
  displayName: string | null;
  csrf: string;
  notice?: string;
  error?: string;
  settings: ClientSettings[];
  qr: { svg: string; caption: string }[];
  devices: Device[];
  oof: OofForm;
}

const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const wipeText = (d: Device) =>
  d.wipeState === 'none' ? 'active' : `wipe ${d.wipeState}${d.wipeAccountOnly ? ' (account only)' : ''}`;

function deviceBlock(d: Device, csrf: string): Raw {
  const id = `dev-${Buffer.from(d.deviceId).toString('hex').slice(0, 32)}`;
  const canWipe = d.wipeState === 'none';
  return html`<div class="panel" data-device="${d.deviceId}">
<h3>${d.model ?? d.deviceType ?? 'Device'} <span class="muted">(${d.deviceType ?? 'unknown type'})</span></h3>
<table>
<tr><th scope="row">Device id</th><td>${d.deviceId}</td></tr>
<tr><th scope="row">Last seen</th><td>${when(d.lastSeen)}</td></tr>
<tr><th scope="row">State</th><td class="wipe-state">${wipeText(d)}</td></tr>
</table>
${canWipe
  ? html`<form method="post" action="/setup/devices/${encodeURIComponent(d.deviceId)}/wipe">
<input type="hidden" name="csrf" value="${csrf}">
<fieldset>
<legend>Wipe this lost device</legend>
<label><input type="radio" name="mode" value="account" checked> Remove only this account's mail, calendars and contacts from it</label>
<label><input type="radio" name="mode" value="full"> Erase the whole device (factory reset: everything on it is lost)</label>
</fieldset>
<label for="${id}-pw">Your password, to confirm</label>
<input id="${id}-pw" name="password" type="password" autocomplete="current-password" required maxlength="1024">
<button class="danger" type="submit">Wipe my lost phone</button>
</form>`
  : html`<p class="muted">The wipe takes place the next time the device connects.</p>`}
</div>`;
}

export function homePage(v: HomeView): string {
  const o = v.oof;
  return page(
    `Set up your devices (${v.serverName})`,
    html`<header class="top"><h1>Set up your devices</h1>
<form method="post" action="/setup/sign-out"><input type="hidden" name="csrf" value="${v.csrf}"><button class="link" type="submit">Sign out</button></form></header>
<p>Signed in as <strong>${v.displayName ? `${v.displayName} <${v.email}>` : v.email}</strong> on ${v.serverName}.</p>
${v.notice ? html`<p class="notice" role="status">${v.notice}</p>` : ''}
${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
<nav aria-label="On this page"><ul>
<li><a href="#apple">iPhone, iPad and Mac</a></li><li><a href="#clients">Outlook, Thunderbird, Android, DAVx5</a></li>
<li><a href="#phones">QR codes for phones</a></li><li><a href="#devices">Your devices</a></li><li><a href="#oof">Out of office</a></li>
</ul></nav>

<h2 id="apple">iPhone, iPad and Mac</h2>
<p>Download the configuration profile and open it: it sets up mail (Exchange ActiveSync, and IMAP/SMTP), calendars and contacts. The device asks for your password when you install it.</p>
<p><a class="button" href="/setup/profile.mobileconfig" download>Download the profile</a></p>
<details><summary>Put my password in the profile instead</summary>
<form method="post" action="/setup/profile.mobileconfig">
<input type="hidden" name="csrf" value="${v.csrf}">
<p class="muted">Anyone who gets the file can read your password from it. Install it at once and delete the file.</p>
<label for="profile-pw">Your password</label>
<input id="profile-pw" name="password" type="password" autocomplete="current-password" required maxlength="1024">
<button type="submit">Download with my password</button>
</form></details>

<h2 id="clients">Settings for your programs</h2>
${v.settings.map(
  (s) => html`<section aria-labelledby="c-${s.id}"><h3 id="c-${s.id}">${s.client}</h3><p>${s.intro}</p>
<table id="settings-${s.id}">${s.rows.map(([k, val]) => html`<tr><th scope="row">${k}</th><td>${val}</td></tr>`)}</table></section>`,
)}

<h2 id="phones">QR codes for phones</h2>
<div class="qrs">${v.qr.map((q) => html`<figure>${raw(q.svg)}<figcaption>${q.caption}</figcaption></figure>`)}</div>

<h2 id="devices">Your devices</h2>
${v.devices.length === 0 ? html`<p>No phone or tablet has synchronised with your account yet.</p>` : v.devices.map((d) => deviceBlock(d, v.csrf))}

<h2 id="oof">Out of office</h2>
<form method="post" action="/setup/out-of-office">
<input type="hidden" name="csrf" value="${v.csrf}">
<fieldset>
<legend>Automatic replies</legend>
<label><input type="radio" name="state" value="off" ${o.state === 'off' ? 'checked' : ''}> Off</label>
<label><input type="radio" name="state" value="on" ${o.state === 'on' ? 'checked' : ''}> On</label>
<label><input type="radio" name="state" value="scheduled" ${o.state === 'scheduled' ? 'checked' : ''}> Only between these times (UTC)</label>
</fieldset>
<label for="oof-start">From (UTC)</label>
<input id="oof-start" name="start" type="datetime-local" value="${o.start}">
<label for="oof-end">Until (UTC)</label>
<input id="oof-end" name="end" type="datetime-local" value="${o.end}">
<label for="oof-message">Message</label>
<textarea id="oof-message" name="message" maxlength="8000">${o.message}</textarea>
<fieldset><legend>Who gets it</legend>
<label><input type="checkbox" name="external" ${o.external ? 'checked' : ''}> People outside my organisation too</label></fieldset>
<button type="submit">Save out-of-office</button>
</form>`,
  );
}
