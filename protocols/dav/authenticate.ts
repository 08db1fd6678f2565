/**
 * Who is asking, for every DAV request: Basic credentials (RFC 7617) checked by the core
 * authenticator, and the refusal answered as every HTTP protocol answers it (src/auth/answers.ts:
 * 401 with the challenge, 503 with Retry-After while locked or throttled).
 */
import type { FastifyRequest } from 'fastify';
import type { ProtocolContext } from '../../src/model/context.js';
import type { Account } from '../../src/model/types.js';
import { basicLogin } from '../../src/auth/basic-login.js';
import { httpLoginAnswer } from '../../src/auth/answers.js';
import type { DavResponse } from './request.js';

export const DAV_REALM = 'Hearth';

/** The account of the request's Basic credentials, or the refusal to send. */
export async function authenticate(ctx: ProtocolContext, req: FastifyRequest): Promise<{ account: Account } | DavResponse> {
  const result = await basicLogin(ctx.auth, req.headers.authorization, req.ip);
  if (result.ok) return { account: result.account };
  return httpLoginAnswer(result, DAV_REALM);
}
