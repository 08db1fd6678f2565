/**
 * Client set-up as one encapsulated fastify plugin:
 * - POST /autodiscover/autodiscover.xml (and /Autodiscover/Autodiscover.xml): mobilesync and
 *   Outlook schemas, authenticated ([MS-ASCMD] 2.2.1.1, [MS-OXDSCLI]);
 * - GET /autodiscover/autodiscover.json: Autodiscover v2, anonymous, same answer for every address;
 * - GET /autodiscover/apple/mobileconfig: an Apple profile for the authenticated user;
 * - GET /.well-known/autoconfig/mail/config-v1.1.xml and /mail/config-v1.1.xml: Thunderbird.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProtocolContext } from '../../src/model/context.js';
import type { Account } from '../../src/model/types.js';
import { basicLogin } from '../../src/auth/basic-login.js';
import { httpLoginAnswer } from '../../src/auth/answers.js';
import { endpoints } from '../../src/clients/endpoints.js';
import { AutodiscoverParseError, parseAutodiscoverRequest } from './request.js';
import { errorResponse, mobilesyncResponse, outlookResponse, RESPONSE_NS } from './responses.js';
import { mobileconfig } from '../../src/clients/apple-profile.js';
import { thunderbirdConfig } from './thunderbird.js';

export interface AutodiscoverPluginOptions {
  ctx: ProtocolContext;
  /** Largest request body; Autodiscover requests are a few hundred bytes. Default 16 KiB. */
  bodyLimit?: number;
}

const XML = 'text/xml; charset=utf-8';

/** A query value as one string: repeated keys (`?a=1&a=2`) arrive as arrays, objects never count. */
function queryValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return '';
}

export async function autodiscoverPlugin(app: FastifyInstance, opts: AutodiscoverPluginOptions): Promise<void> {
  const { ctx } = opts;
  const bodyLimit = opts.bodyLimit ?? 16 * 1024;

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_req, body, done) => done(null, body));

  /** The account of the Basic credentials, or null once the refusal is sent (src/auth/answers.ts). */
  async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<Account | null> {
    const r = await basicLogin(ctx.auth, request.headers.authorization, request.ip);
    if (r.ok) return r.account;
    const answer = httpLoginAnswer(r, 'Hearth');
    await reply.code(answer.status).headers(answer.headers).send();
    return null;
  }

  /** The addresses that are the account's own: its login and the aliases of its domain pointing at it. */
  async function ownsAddress(account: Account, address: string): Promise<boolean> {
    const a = address.toLowerCase();
    if (a === account.email) return true;
    const alias = await ctx.store.getAlias(a);
    return !!alias && alias.domainId === account.domainId && alias.targets.some((t) => t.toLowerCase() === account.email);
  }

  const autodiscoverXml = async (request: FastifyRequest, reply: FastifyReply) => {
    const account = await authenticate(request, reply);
    if (!account) return reply;
    reply.header('Content-Type', XML);
    const now = new Date(ctx.now());
    let req;
    try {
      req = parseAutodiscoverRequest(typeof request.body === 'string' ? request.body : '');
    } catch (e) {
      if (!(e instanceof AutodiscoverParseError)) throw e;
      return reply.code(200).send(errorResponse(600, 'Invalid Request', now));
    }
    // Answer only for the caller's own addresses; never say whether another one exists.
    if (req.email && !(await ownsAddress(account, req.email))) return reply.code(403).send();
    const ep = endpoints(ctx.settings);
    switch (req.acceptableResponseSchema) {
      case RESPONSE_NS.mobilesync: return reply.code(200).send(mobilesyncResponse(account, ep));
      case RESPONSE_NS.outlook: return reply.code(200).send(outlookResponse(account, ep));
      default: return reply.code(200).send(errorResponse(601, 'Provider is not available', now));
    }
  };
  for (const url of ['/autodiscover/autodiscover.xml', '/Autodiscover/Autodiscover.xml', '/AutoDiscover/AutoDiscover.xml']) {
    app.post(url, autodiscoverXml);
  }

  // Autodiscover v2: where the protocol lives, for any address (no account lookup: no enumeration).
  const v2 = async (request: FastifyRequest<{ Querystring: Record<string, unknown>; Params: { email?: string } }>, reply: FastifyReply) => {
    const q = request.query;
    const protocol = (queryValue(q.Protocol) || queryValue(q.protocol)).toLowerCase();
    const ep = endpoints(ctx.settings);
    if (protocol === 'activesync') return reply.send({ Protocol: 'ActiveSync', Url: ep.activesyncUrl });
    if (protocol === 'autodiscoverv1') return reply.send({ Protocol: 'AutodiscoverV1', Url: ep.autodiscoverUrl });
    return reply.code(400).send({ ErrorCode: 'ProtocolNotSupported', ErrorMessage: `The given protocol value '${protocol.slice(0, 40)}' is invalid.` });
  };
  for (const base of ['/autodiscover/autodiscover.json', '/Autodiscover/Autodiscover.json']) {
    app.get(base, v2);
    app.get(`${base}/v1.0/:email`, v2);
  }

  app.get('/autodiscover/apple/mobileconfig', async (request, reply) => {
    const account = await authenticate(request, reply);
    if (!account) return reply;
    return reply.code(200)
      .header('Content-Type', 'application/x-apple-aspen-config; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${ctx.settings.hostname}.mobileconfig"`)
      .send(mobileconfig(account, endpoints(ctx.settings), ctx.settings.hostname));
  });

  // Thunderbird: anonymous, the same servers for every domain we might host.
  const autoconfig = async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply: FastifyReply) => {
    const email = queryValue(request.query.emailaddress);
    const fromEmail = /^[^@\s]+@([A-Za-z0-9.-]{1,253})$/.exec(email)?.[1];
    const host = (request.headers.host ?? '').replace(/:\d+$/, '').replace(/^autoconfig\./i, '');
    const domain = (fromEmail ?? (/^[A-Za-z0-9.-]{1,253}$/.test(host) ? host : ctx.settings.hostname)).toLowerCase();
    return reply.code(200).header('Content-Type', 'application/xml; charset=utf-8')
      .send(thunderbirdConfig(domain, endpoints(ctx.settings), ctx.settings.hostname));
  };
  app.get('/.well-known/autoconfig/mail/config-v1.1.xml', autoconfig);
  app.get('/mail/config-v1.1.xml', autoconfig);
}
