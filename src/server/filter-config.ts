/**
 * Configuration of the content filters and the archive (hearth.json sections `filters` and
 * `archive`, plus HEARTH_RSPAMD_URL, HEARTH_RSPAMD_PASSWORD, HEARTH_CLAMD and HEARTH_ARCHIVE).
 * Everything is off unless configured. config.ts spreads the schemas into its file schema and
 * calls the two readers; a bad value is one line naming the setting (docs/operations.md).
 */
import { z } from 'zod';
import { DEFAULT_FILTER_POLICY, type FilterPolicy } from '../mail/filters/pipeline.js';

export interface FilterConfig extends FilterPolicy {
  rspamd: { url: string; controllerUrl: string | null; password: string | null; timeoutSeconds: number } | null;
  clamav: { address: string; timeoutSeconds: number; maxMessageSize: number } | null;
}

export interface ArchiveConfig {
  /** Keep a compressed copy of every message received and sent (docs/operations.md "Archive"). */
  enabled: boolean;
}

const positiveInt = z.number().int().positive();
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'expected an http:// or https:// URL');
const failure = z.enum(['accept', 'tempfail']);

export const filterFileSchema = z
  .object({
    rspamd: z
      .object({
        url: httpUrl,
        controllerUrl: httpUrl.optional(),
        password: z.string().min(1).optional(),
        timeoutSeconds: positiveInt.max(600).optional(),
      })
      .strict()
      .optional(),
    clamav: z
      .object({
        address: z
          .string()
          .regex(/^(\/.+|\[[0-9a-fA-F:.]+\]:\d{1,5}|[A-Za-z0-9.-]+:\d{1,5})$/, 'expected HOST:PORT or an absolute socket path'),
        timeoutSeconds: positiveInt.max(600).optional(),
        maxMessageSize: positiveInt.optional(),
      })
      .strict()
      .optional(),
    spamOnFailure: failure.optional(),
    virusOnFailure: failure.optional(),
    spamReject: z.enum(['junk', 'refuse']).optional(),
  })
  .strict();

export const archiveFileSchema = z.object({ enabled: z.boolean().optional() }).strict();

/** clamd's own StreamMaxLength default is 25 MB: send nothing larger unless told. */
const CLAMAV_MAX = 25 * 1024 * 1024;

export function filterConfig(
  file: z.infer<typeof filterFileSchema> | undefined,
  env: NodeJS.ProcessEnv,
  fail: (message: string) => never,
): FilterConfig {
  const rspamdUrl = env.HEARTH_RSPAMD_URL || file?.rspamd?.url;
  if (env.HEARTH_RSPAMD_URL && !httpUrl.safeParse(env.HEARTH_RSPAMD_URL).success)
    fail(`HEARTH_RSPAMD_URL: expected an http:// URL, got '${env.HEARTH_RSPAMD_URL}'`);
  const clamd = env.HEARTH_CLAMD || file?.clamav?.address;
  if (env.HEARTH_CLAMD && !filterFileSchema.shape.clamav.unwrap().shape.address.safeParse(env.HEARTH_CLAMD).success) {
    fail(`HEARTH_CLAMD: expected HOST:PORT or an absolute socket path, got '${env.HEARTH_CLAMD}'`);
  }
  return {
    rspamd: rspamdUrl
      ? {
          url: rspamdUrl,
          controllerUrl: file?.rspamd?.controllerUrl ?? null,
          password: env.HEARTH_RSPAMD_PASSWORD || file?.rspamd?.password || null,
          timeoutSeconds: file?.rspamd?.timeoutSeconds ?? 20,
        }
      : null,
    clamav: clamd
      ? { address: clamd, timeoutSeconds: file?.clamav?.timeoutSeconds ?? 60, maxMessageSize: file?.clamav?.maxMessageSize ?? CLAMAV_MAX }
      : null,
    spamOnFailure: file?.spamOnFailure ?? DEFAULT_FILTER_POLICY.spamOnFailure,
    virusOnFailure: file?.virusOnFailure ?? DEFAULT_FILTER_POLICY.virusOnFailure,
    spamReject: file?.spamReject ?? DEFAULT_FILTER_POLICY.spamReject,
  };
}

export function archiveConfig(
  file: z.infer<typeof archiveFileSchema> | undefined,
  env: NodeJS.ProcessEnv,
  fail: (message: string) => never,
): ArchiveConfig {
  const v = env.HEARTH_ARCHIVE;
  if (v !== undefined && v !== '') {
    if (/^(1|true|yes|on)$/i.test(v)) return { enabled: true };
    if (/^(0|false|no|off)$/i.test(v)) return { enabled: false };
    fail(`HEARTH_ARCHIVE: expected on or off, got '${v}'`);
  }
  return { enabled: file?.enabled ?? false };
}
