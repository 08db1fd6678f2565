/**
 * Errors of the admin API as problem details (RFC 9457, `application/problem+json`): the one
 * place where the core's typed errors become HTTP statuses. Internal messages of unexpected
 * errors never reach the client (500 with a generic detail; the log has the rest).
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isStoreError, type StoreErrorCode } from '../../src/store/errors.js';
import { Forbidden } from '../../src/admin/roles.js';

export const PROBLEM_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
}

/** An error the API itself raises with its status (401, 412, 428, 429 ...). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

const STORE_STATUS: Record<StoreErrorCode, [number, string]> = {
  NotFound: [404, 'Not Found'],
  Conflict: [409, 'Conflict'],
  PreconditionFailed: [412, 'Precondition Failed'],
  QuotaExceeded: [422, 'Quota Exceeded'],
  LimitExceeded: [422, 'Limit Exceeded'],
  Invalid: [422, 'Unprocessable Content'],
};

function problemOf(e: unknown): { problem: Problem; headers: Record<string, string> } {
  const make = (status: number, title: string, detail?: string) => ({ type: 'about:blank', title, status, ...(detail ? { detail } : {}) });
  if (e instanceof HttpProblem) return { problem: make(e.status, e.title, e.message), headers: e.headers };
  if (e instanceof Forbidden) return { problem: make(403, 'Forbidden', e.message), headers: {} };
  if (isStoreError(e)) {
    const [status, title] = STORE_STATUS[e.code];
    return { problem: make(status, title, e.message), headers: {} };
  }
  const fe = e as FastifyError;
  if (fe.validation) return { problem: make(400, 'Bad Request', fe.message), headers: {} };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500)
    return { problem: make(fe.statusCode, STATUS_CODES[fe.statusCode] ?? 'Bad Request', fe.message), headers: {} };
  return { problem: make(500, 'Internal Server Error', 'the request could not be completed'), headers: {} };
}

export async function sendProblem(e: unknown, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const { problem, headers } = problemOf(e);
  if (problem.status >= 500) req.log.error({ err: e }, 'api.error');
  await reply
    .code(problem.status)
    .headers(headers)
    .type(PROBLEM_TYPE)
    .send({ ...problem, instance: req.url.split('?')[0] });
}
