/**
 * A domain's password policy (src/admin/password-policy.ts): read by anyone who may read the
 * domain, changed (PATCH, the keys given) by its administrators and server administrators. A
 * password the policy refuses, on user creation or reset, answers 422 problem+json.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { MAX_MIN_PASSWORD, MIN_PASSWORD, passwordPolicyOf, setPasswordPolicy } from '../../../src/admin/password-policy.js';
import { DomainName } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const fields = {
  minLength: Type.Integer({ minimum: MIN_PASSWORD, maximum: MAX_MIN_PASSWORD, description: 'least number of characters (Unicode code points)' }),
  requireMixedCase: Type.Boolean({ description: 'at least one upper-case and one lower-case letter' }),
  requireDigit: Type.Boolean({ description: 'at least one digit' }),
  requireSymbol: Type.Boolean({ description: 'at least one character that is neither a letter nor a digit' }),
  rejectContainsLocalPart: Type.Boolean({ description: "refuse passwords that contain the user's local part (case-insensitive)" }),
};
const PasswordPolicy = Type.Object(fields, { additionalProperties: false });
const PasswordPolicyPatch = Type.Partial(Type.Object(fields, { additionalProperties: false }), { additionalProperties: false, minProperties: 1 });

const resource = (name: string) => `password-policy:${name}`;

export function passwordPolicyRoutes(app: FastifyInstance, { store }: ApiDeps): void {
  app.get(
    '/domains/:domain/password-policy',
    {
      schema: {
        tags: ['domains'],
        summary: 'Password policy: applies when a password is set (user creation, reset); existing passwords keep working',
        params: DomainName,
        response: { 200: PasswordPolicy },
      },
    },
    async (req, reply) => {
      const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
      const view = passwordPolicyOf(d);
      await tagReply(store, reply, resource(d.name), view);
      return view;
    },
  );

  app.patch(
    '/domains/:domain/password-policy',
    {
      schema: {
        tags: ['domains'],
        summary: 'Change the keys given of the password policy (domain and server administrators)',
        params: DomainName,
        body: PasswordPolicyPatch,
        response: { 200: PasswordPolicy },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const d = await domainFor(store, p, (req.params as Static<typeof DomainName>).domain, 'write');
      const version = await claimWrite(store, req, resource(d.name), passwordPolicyOf(d));
      const after = await setPasswordPolicy(store, p.by, d, req.body as Static<typeof PasswordPolicyPatch>);
      reply.header('etag', etagOf(version, after));
      return after;
    },
  );
}
