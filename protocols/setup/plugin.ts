/**
 * The users' set-up page at /setup/ (CONTRACT.md; docs/setup-page.md) as one encapsulated fastify
 * plugin. A user signs in with their own address and password (src/auth: lockout and slowing as
 * every protocol) and gets, for their own account only: the Apple configuration profile, the
 * settings for Outlook, Thunderbird, Android and DAVx5 (src/clients/endpoints.ts, the source
 * Autodiscover answers from), QR codes, their devices with a remote wipe (src/admin/devices.ts,
 * audited), and their out-of-office setting (the 'oof' setting phones write over ActiveSync).
 *
 * Server-rendered HTML with no script, served over TLS only, under a strict CSP; forms are
 * guarded by SameSite=Strict, an origin check and a session-bound CSRF token (session.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProtocolContext } from '../../src/model/context.js';
import type { Account, OofSetting } from '../../src/model/types.js';
import { isTemporary } from '../../src/auth/answers.js';
import { requestWipe } from '../../src/admin/devices.js';
import { isStoreError } from '../../src/store/errors.js';
import { endpoints } from '../../src/clients/endpoints.js';
import { mobileconfig } from '../../src/clients/apple-profile.js';
import { SetupSessions, csrfOk, sameOrigin, type Session } from './session.js';
import { clientSettings } from './client-settings.js';
import { formOf, settingOf } from './oof-form.js';
import { homePage, signInPage } from './pages.js';
import { qrSvg } from './qr.js';
import { STYLE } from './style.js';
import { page, html } from './html.js';

export interface SetupPluginOptions {
  ctx: ProtocolContext;
}

/** No script, no frames, no plugins; styles and forms from here only (CSP Level 3). */
const CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const PROFILE_TYPE = 'application/x-apple-aspen-config';

/** Fixed texts for the outcome of a form (never text from the request). */
const NOTICES: Record<string, string> = {
  oof: 'Your out-of-office setting is saved.',
  wipe: 'The wipe is requested: it takes place the next time the device connects.',
};

type Form = Record<string, string>;

export async function setupPlugin(app: FastifyInstance, opts: SetupPluginOptions): Promise<void> {
  const { ctx } = opts;
  const sessions = new SetupSessions(ctx.store, ctx.now);
  const serverName = ctx.settings.hostname;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 32 * 1024 }, (_req, body, done) => {
    const form: Form = {};
    for (const [k, v] of new URLSearchParams(String(body))) if (!(k in form)) form[k] = v;
    done(null, form);
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.headers({
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
      'x-frame-options': 'DENY',
    });
    // The page takes passwords: over TLS only. Plain HTTP is sent to the public HTTPS address.
    if (req.protocol !== 'https') {
      const publicUrl = ctx.settings.publicUrl.replace(/\/+$/, '');
      if (req.method === 'GET' && publicUrl.startsWith('https:')) return reply.redirect(`${publicUrl}${req.url.split('?')[0]}`, 308);
      return reply.code(403).type('text/html; charset=utf-8').send(page('HTTPS only', html`<h1>HTTPS only</h1><p>Open this page at its https:// address.</p>`));
    }
    reply.header('strict-transport-security', 'max-age=31536000');
    if (req.method === 'POST' && !sameOrigin(req)) {
      return reply.code(403).type('text/html; charset=utf-8').send(page('Refused', html`<h1>Refused</h1><p>This form was sent from another site.</p>`));
    }
  });

  const send = (reply: FastifyReply, status: number, body: string) => reply.code(status).type('text/html; charset=utf-8').send(body);
  const signIn = (reply: FastifyReply, status: number, o: { error?: string; email?: string } = {}) => send(reply, status, signInPage(serverName, o));

  /** The session, or null once the sign-in page (GET) or a refusal (POST) has been sent. */
  async function sessionOr(req: FastifyRequest, reply: FastifyReply): Promise<Session | null> {
    const s = await sessions.read(req);
    if (!s) {
      await signIn(reply, req.method === 'GET' ? 200 : 401, req.method === 'GET' ? {} : { error: 'Your session has ended: sign in again.' });
      return null;
    }
    if (req.method === 'POST' && !csrfOk(s, (req.body ?? {}) as Form)) {
      await send(reply, 403, page('Refused', html`<h1>Refused</h1><p>The form has expired. <a href="/setup/">Reload the page</a> and try again.</p>`));
      return null;
    }
    return s;
  }

  /** The user's password re-entered: null when right, else the answer (wrong, or locked with Retry-After). */
  async function recheck(req: FastifyRequest, account: Account, password: string): Promise<{ status: number; error: string; headers?: Record<string, string> } | null> {
    const r = await ctx.auth.verify(account.email, password, req.ip);
    if (r.ok && r.account.id === account.id) return null;
    if (!r.ok && isTemporary(r))
      return { status: 429, error: 'Too many wrong passwords: try again later.', headers: { 'retry-after': String(Math.max(1, Math.ceil(r.retryAfterSeconds))) } };
    return { status: 403, error: 'The password is not right.' };
  }

  async function home(reply: FastifyReply, s: Session, status = 200, extra: { notice?: string; error?: string } = {}) {
    const ep = endpoints(ctx.settings);
    const devices = await ctx.store.listDevices(s.account.id);
    const oof = await ctx.store.getSetting<OofSetting>(s.account.id, 'oof');
    const pageUrl = `${ep.baseUrl}/setup/`;
    const qr = [
      { svg: await qrSvg(pageUrl, `QR code: ${pageUrl}`), caption: `Open this page on your phone: ${pageUrl}` },
      { svg: await qrSvg(ep.caldavUrl, `QR code: ${ep.caldavUrl}`), caption: `DAVx5 or another CalDAV/CardDAV app: ${ep.caldavUrl}` },
    ];
    return send(
      reply,
      status,
      homePage({
        serverName,
        email: s.account.email,
        displayName: s.account.displayName,
        csrf: s.csrf,
        ...extra,
        settings: clientSettings(ep, s.account.email),
        qr,
        devices,
        oof: formOf(oof),
      }),
    );
  }

  app.get('/setup', async (_req, reply) => reply.redirect('/setup/', 301));
  app.get('/setup/style.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'max-age=3600').send(STYLE));

  app.get('/setup/', async (req, reply) => {
    const s = await sessionOr(req, reply);
    if (!s) return reply;
    const done = (req.query as Record<string, unknown>).done;
    return home(reply, s, 200, typeof done === 'string' && NOTICES[done] ? { notice: NOTICES[done] } : {});
  });

  app.post('/setup/sign-in', async (req, reply) => {
    const form = (req.body ?? {}) as Form;
    const email = String(form.email ?? '').slice(0, 254);
    const password = String(form.password ?? '');
    if (!email || !password) return signIn(reply, 400, { error: 'Enter your address and your password.', email });
    const r = await ctx.auth.verify(email, password, req.ip);
    if (!r.ok) {
      if (isTemporary(r)) {
        reply.header('retry-after', String(Math.max(1, Math.ceil(r.retryAfterSeconds))));
        return signIn(reply, 429, { error: 'Too many failed sign-ins: try again later.', email });
      }
      return signIn(reply, 401, { error: 'Wrong address or password.', email });
    }
    await sessions.start(reply, r.account);
    req.log.info({ user: r.account.email }, 'setup.sign-in');
    return reply.redirect('/setup/', 303);
  });

  app.post('/setup/sign-out', async (req, reply) => {
    const s = await sessionOr(req, reply);
    if (!s) return reply;
    sessions.end(reply);
    return reply.redirect('/setup/', 303);
  });

  const profile = (reply: FastifyReply, account: Account, password?: string) =>
    reply
      .type(PROFILE_TYPE)
      .header('content-disposition', `attachment; filename="${serverName.replace(/[^A-Za-z0-9.-]/g, '_')}.mobileconfig"`)
      .send(mobileconfig(account, endpoints(ctx.settings), serverName, password ? { password } : {}));

  app.get('/setup/profile.mobileconfig', async (req, reply) => {
    const s = await sessionOr(req, reply);
    if (!s) return reply;
    return profile(reply, s.account);
  });

  // The profile with the password in it, on the user's explicit request (re-entered, checked).
  app.post('/setup/profile.mobileconfig', async (req, reply) => {
    const s = await sessionOr(req, reply);
    if (!s) return reply;
    const password = String((req.body as Form).password ?? '');
    const refused = await recheck(req, s.account, password);
    if (refused) return home(reply.headers(refused.headers ?? {}), s, refused.status, { error: refused.error });
    return profile(reply, s.account, password);
  });

  app.post('/setup/devices/:deviceId/wipe', async (req, reply) => {
    const s = await sessionOr(req, reply);
    if (!s) return reply;
    const form = req.body as Form;
    const deviceId = (req.params as { deviceId: string }).deviceId;
    const device = await ctx.store.getDevice(s.account.id, deviceId);
    if (!device) return home(reply, s, 404, { error: 'No such device of yours.' });
    const refused = await recheck(req, s.account, String(form.password ?? ''));
    if (refused) return home(reply.headers(refused.headers ?? {}), s, refused.status, { error: refused.error });
    try {
      await requestWipe(ctx.store, s.account.email, device.deviceId, form.mode !== 'full', { actor: `setup:${s.account.email}`, source: req.ip });
    } catch (e) {
      if (isStoreError(e, 'Conflict')) return home(reply, s, 409, { error: 'That device has already been wiped.' });
      throw e;
    }
    req.log.info({ user: s.account.email, device: device.deviceId, accountOnly: form.mode !== 'full' }, 'setup.wipe');
    return reply.redirect('/setup/?done=wipe#devices', 303);
  });

  app.post('/setup/out-of-office', async (req, reply) => {
    const s = await sessionOr(req, reply);
    if (!s) return reply;
    const r = settingOf(req.body as Form);
    if (!r.ok) return home(reply, s, 422, { error: r.error });
    await ctx.store.setSetting(s.account.id, 'oof', r.oof);
    return reply.redirect('/setup/?done=oof#oof', 303);
  });
}
