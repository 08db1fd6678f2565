/**
 * The console under test: the built single-page app (dist/admin-web from `npm run build`, or a
 * fresh Vite build into a temp folder when it is missing), served by the real fastify app over
 * a real store and listening on 127.0.0.1 port 0, and Debian's chromium driven by
 * playwright-core. Domains a.test and b.test with an administrator each, a server administrator.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTestContext, type TestContext } from '../../helpers/context.js';
import { buildServer } from '../../../src/server/app.js';
import { defaultAdminAssets } from '../../../protocols/admin-web/assets.js';

export const CHROMIUM = '/usr/bin/chromium';
export const PW = 'correct-horse-9';
/** The machine is loaded: every wait is for a condition, with a generous bound. */
export const WAIT_MS = 90_000;

/** Why the browser tests cannot run here, or null. */
export const browserSkip = (): string | false => (existsSync(CHROMIUM) ? false : `${CHROMIUM} is absent (apt-get install chromium)`);

let built: string | null = null;
/** dist/admin-web when `npm run build` made it; otherwise one Vite build (per process) into a temp folder. */
export async function consoleAssets(): Promise<string> {
  const dist = defaultAdminAssets();
  if (existsSync(join(dist, 'index.html'))) return dist;
  if (built) return built;
  const out = mkdtempSync(join(tmpdir(), 'hearth-admin-web-'));
  const { build } = await import('vite');
  await build({ configFile: fileURLToPath(new URL('../../../web/admin/vite.config.ts', import.meta.url)), build: { outDir: out, emptyOutDir: true }, logLevel: 'error' });
  process.on('exit', () => rmSync(out, { recursive: true, force: true }));
  return (built = out);
}

export interface ConsoleHarness {
  t: TestContext;
  app: FastifyInstance;
  base: string;
  browser: Browser;
  /** A fresh browser context (own sessionStorage) on /admin/, signed in as `email`. */
  signIn(email: string, password?: string): Promise<Page>;
  /** Script errors and Content-Security-Policy violations seen by any page (expected: none). */
  pageProblems: string[];
  close(): Promise<void>;
}

export async function consoleHarness(): Promise<ConsoleHarness> {
  const t = await createTestContext({ auth: { lockout: { maxFailures: 5, windowMs: 60_000 } } });
  await t.addUser('root@a.test', PW, { isServerAdmin: true });
  await t.addUser('admin@a.test', PW, { domainAdmin: true });
  await t.addUser('admin@b.test', PW, { domainAdmin: true });
  await t.addUser('ann@a.test', PW, { displayName: 'Ann Example' });
  await t.addUser('bob@b.test', PW, { displayName: 'Bob Other' });
  const app = await buildServer(t.ctx, { adminAssets: await consoleAssets() });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: WAIT_MS,
    // Root in CI containers: chromium's sandbox needs user namespaces it may not have.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  const pageProblems: string[] = [];
  return {
    t,
    app,
    base: address,
    browser,
    pageProblems,
    async signIn(email, password = PW) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      context.setDefaultTimeout(WAIT_MS);
      const page = await context.newPage();
      page.on('pageerror', (e) => pageProblems.push(`script error: ${e.message}`));
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) pageProblems.push(m.text());
      });
      await page.goto(`${address}/admin/`);
      await page.getByLabel('Email address').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dashboard' }).waitFor();
      return page;
    },
    async close() {
      await browser.close();
      await app.close();
      await t.close();
    },
  };
}
