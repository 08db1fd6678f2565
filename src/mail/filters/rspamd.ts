/**
 * rspamd over its HTTP protocol (https://rspamd.com/doc/developers/protocol.html): POST the
 * message to the normal worker's /checkv2 with the envelope as headers (IP, Helo, From, one Rcpt
 * per recipient, User, Queue-Id) and read the JSON verdict; train through the controller
 * worker's /learnspam and /learnham with its password (header `Password`).
 */
import type { OutgoingHttpHeaders } from 'node:http';
import { FilterUnavailableError, type FilterEnvelope, type FilterVerdict, type MessageFilter, type SpamTrainer } from './filter.js';
import { postBytes } from './http-post.js';

export interface RspamdOptions {
  /** The normal (scanner) worker, e.g. http://127.0.0.1:11333. */
  url: string;
  /** The controller worker, for training, e.g. http://127.0.0.1:11334; training is off without it. */
  controllerUrl?: string;
  /** The controller's password (its `password` or `enable_password`). */
  password?: string;
  timeoutMs: number;
}

/** rspamd's /checkv2 answer, the fields Hearth reads. */
interface CheckAnswer {
  action?: string;
  score?: number;
  required_score?: number;
  symbols?: Record<string, { score?: number }>;
}

/**
 * rspamd actions (https://rspamd.com/doc/configuration/metrics.html) to Hearth's: reject stays
 * reject (the pipeline's policy may file it as junk instead); add header and rewrite subject mean
 * spam, so junk; greylist and soft reject ask for a retry that Hearth does not do, so accept.
 */
const ACTIONS: Record<string, FilterVerdict['action']> = {
  reject: 'reject',
  'rewrite subject': 'junk',
  'add header': 'junk',
  'soft reject': 'accept',
  greylist: 'accept',
  'no action': 'accept',
};

export class RspamdFilter implements MessageFilter, SpamTrainer {
  readonly name = 'rspamd';
  constructor(private readonly opts: RspamdOptions) {}

  async scan(message: Uint8Array, env: FilterEnvelope): Promise<FilterVerdict> {
    const headers: OutgoingHttpHeaders = { IP: env.remoteAddress, 'Content-Type': 'message/rfc822' };
    if (env.helo) headers.Helo = env.helo;
    // rspamd reads From: <> (or an empty value) as the null sender.
    headers.From = env.mailFrom || '<>';
    if (env.rcptTo.length) headers.Rcpt = env.rcptTo;
    if (env.authenticatedUser) headers.User = env.authenticatedUser;
    if (env.queueId) headers['Queue-Id'] = env.queueId;
    const answer = await this.post(new URL('/checkv2', this.opts.url), headers, message);
    if (answer.status !== 200) throw new FilterUnavailableError(this.name, `/checkv2 answered HTTP ${answer.status}`);
    let parsed: CheckAnswer;
    try {
      parsed = JSON.parse(answer.body) as CheckAnswer;
    } catch {
      throw new FilterUnavailableError(this.name, '/checkv2 answered no JSON');
    }
    const action = parsed.action !== undefined ? ACTIONS[parsed.action] : undefined;
    if (!action) throw new FilterUnavailableError(this.name, `/checkv2 answered an unknown action '${String(parsed.action)}'`);
    const symbols = Object.keys(parsed.symbols ?? {}).sort();
    return {
      action,
      symbols,
      ...(typeof parsed.score === 'number' ? { score: parsed.score } : {}),
      ...(typeof parsed.required_score === 'number' ? { threshold: parsed.required_score } : {}),
    };
  }

  learnSpam(message: Uint8Array, user?: string): Promise<boolean> {
    return this.learn('/learnspam', message, user);
  }
  learnHam(message: Uint8Array, user?: string): Promise<boolean> {
    return this.learn('/learnham', message, user);
  }

  private async learn(path: string, message: Uint8Array, user?: string): Promise<boolean> {
    if (!this.opts.controllerUrl) throw new FilterUnavailableError(this.name, 'no controller URL configured for training');
    const headers: OutgoingHttpHeaders = { 'Content-Type': 'message/rfc822' };
    if (this.opts.password) headers.Password = this.opts.password;
    if (user) headers['Deliver-To'] = user;
    const answer = await this.post(new URL(path, this.opts.controllerUrl), headers, message);
    if (answer.status === 200) return true;
    // A message learned before is answered 208 ("already learned"): the lesson holds.
    if (answer.status === 208 || /already learned/i.test(answer.body)) return true;
    if (answer.status >= 500) throw new FilterUnavailableError(this.name, `${path} answered HTTP ${answer.status}`);
    return false;
  }

  private async post(url: URL, headers: OutgoingHttpHeaders, body: Uint8Array) {
    try {
      return await postBytes(url, headers, body, this.opts.timeoutMs);
    } catch (e) {
      throw new FilterUnavailableError(this.name, `${url.host}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}
