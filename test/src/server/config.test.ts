import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname as osHostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig, parseListener, protocolSettings } from '../../../src/server/config.js';

const BASE = { HEARTH_HOSTNAME: 'mail.example.com' };

/** The ConfigError loadConfig throws: exactly one line, starting with what it names. */
function configError(env: NodeJS.ProcessEnv, names: string): string {
  try {
    loadConfig(env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `a ConfigError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `one line: ${JSON.stringify(e.message)}`);
    assert.ok(e.message.startsWith(`${names}: `), `names ${names}: ${e.message}`);
    return e.message;
  }
  assert.fail(`no error for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'hearth-config-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  it('has the documented defaults (CONTRACT.md)', () => {
    const c = loadConfig(BASE);
    assert.equal(c.dataDir, resolve('./data'));
    assert.equal(c.database, undefined);
    assert.equal(c.hostname, 'mail.example.com');
    assert.deepEqual(c.listeners, {
      http: { host: '127.0.0.1', port: 8080 }, https: { host: '0.0.0.0', port: 8443 },
      smtp: { host: '0.0.0.0', port: 2525 }, submission: { host: '0.0.0.0', port: 5870 }, submissions: { host: '0.0.0.0', port: 4650 },
      imap: { host: '0.0.0.0', port: 1143 }, imaps: { host: '0.0.0.0', port: 9933 }, pop3: null, pop3s: null,
    });
    assert.equal(c.publicUrl, 'https://mail.example.com:8443');
    assert.equal(c.adminPassword, undefined);
    assert.equal(c.trustProxy, false);
    assert.equal(c.logLevel, 'info');
    assert.deepEqual(c.tls.certificates, []);
    assert.deepEqual(c.auth, { maxFailures: 10, lockoutWindowSeconds: 900, cacheTtlSeconds: 300 });
  });

  it('defaults the host name to the OS host name', { skip: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(osHostname().toLowerCase()) ? false : 'os host name is not a valid host name' }, () => {
    assert.equal(loadConfig({}).hostname, osHostname().toLowerCase());
  });

  it('reads every listener form', () => {
    const l = (v: string) => loadConfig({ ...BASE, HEARTH_HTTP: v }).listeners.http;
    assert.deepEqual(l('10.1.2.3:8081'), { host: '10.1.2.3', port: 8081 });
    assert.deepEqual(l('localhost:25'), { host: 'localhost', port: 25 });
    assert.deepEqual(l('[::1]:8080'), { host: '::1', port: 8080 });
    assert.deepEqual(l('[::]:443'), { host: '::', port: 443 });
    assert.deepEqual(l(':8080'), { host: '0.0.0.0', port: 8080 });
    // Regression: a bare port was split into host '808' and port 0.
    assert.deepEqual(l('8080'), { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(l(' 993 '), { host: '0.0.0.0', port: 993 });
    assert.deepEqual(l('127.0.0.1:0'), { host: '127.0.0.1', port: 0 }, 'port 0: any free port');
    assert.equal(l('off'), null);
    assert.equal(l('OFF'), null);
    const c = loadConfig({ ...BASE, HEARTH_SMTP: 'off', HEARTH_POP3: '110', HEARTH_IMAPS: '[2001:db8::1]:993' });
    assert.equal(c.listeners.smtp, null);
    assert.deepEqual(c.listeners.pop3, { host: '0.0.0.0', port: 110 });
    assert.deepEqual(c.listeners.imaps, { host: '2001:db8::1', port: 993 });
  });

  it('refuses bad listeners with one line naming the variable', () => {
    for (const v of ['not-a-port', '70000', '127.0.0.1:70000', '99999', 'host:', '::1:8080', '[::1]8080', 'a:b:80', '-:80', '']) {
      const msg = configError({ ...BASE, HEARTH_HTTP: v }, 'HEARTH_HTTP');
      assert.ok(msg.includes(`'${v}'`), msg);
    }
    configError({ ...BASE, HEARTH_IMAPS: '8o8o' }, 'HEARTH_IMAPS');
    assert.throws(() => parseListener('HEARTH_SMTP', '65536'), ConfigError);
  });

  it('refuses other bad values with one line naming the variable', () => {
    configError({ ...BASE, HEARTH_DATABASE: 'mysql://x' }, 'HEARTH_DATABASE');
    configError({ ...BASE, HEARTH_DATABASE: 'sqlite:' }, 'HEARTH_DATABASE');
    configError({ ...BASE, HEARTH_LOG_LEVEL: 'loud' }, 'HEARTH_LOG_LEVEL');
    configError({ ...BASE, HEARTH_TRUST_PROXY: 'maybe' }, 'HEARTH_TRUST_PROXY');
    configError({ HEARTH_HOSTNAME: 'bad_host!' }, 'HEARTH_HOSTNAME');
    configError({ ...BASE, HEARTH_FIRST_DOMAIN: 'nodots' }, 'HEARTH_FIRST_DOMAIN');
    configError({ ...BASE, HEARTH_PUBLIC_URL: 'ftp://x' }, 'HEARTH_PUBLIC_URL');
  });

  it('accepts the documented database forms and booleans', () => {
    assert.equal(loadConfig({ ...BASE, HEARTH_DATABASE: 'postgres://u@db/hearth' }).database, 'postgres://u@db/hearth');
    assert.equal(loadConfig({ ...BASE, HEARTH_DATABASE: 'postgresql://u@db/hearth' }).database, 'postgresql://u@db/hearth');
    assert.equal(loadConfig({ ...BASE, HEARTH_DATABASE: 'sqlite:/tmp/x.db' }).database, 'sqlite:/tmp/x.db');
    assert.equal(loadConfig({ ...BASE, HEARTH_TRUST_PROXY: 'yes' }).trustProxy, true);
    assert.equal(loadConfig({ ...BASE, HEARTH_TRUST_PROXY: '0' }).trustProxy, false);
    assert.equal(loadConfig({ ...BASE, HEARTH_LOG_LEVEL: 'debug' }).logLevel, 'debug');
    assert.equal(loadConfig({ ...BASE, HEARTH_ADMIN_PASSWORD: 'pw-from-env' }).adminPassword, 'pw-from-env');
    assert.equal(loadConfig({ ...BASE, HEARTH_DATA_DIR: 'rel/dir' }).dataDir, resolve('rel/dir'));
  });

  it('derives the public URL from the HTTPS listener', () => {
    assert.equal(loadConfig({ ...BASE, HEARTH_HTTPS: '0.0.0.0:443' }).publicUrl, 'https://mail.example.com');
    assert.equal(loadConfig({ ...BASE, HEARTH_HTTPS: 'off' }).publicUrl, 'https://mail.example.com');
    assert.equal(loadConfig({ ...BASE, HEARTH_PUBLIC_URL: 'https://webmail.example.com/' }).publicUrl, 'https://webmail.example.com');
  });

  it('derives the first domain from the host name', () => {
    const first = (h: string) => loadConfig({ HEARTH_HOSTNAME: h }).firstDomain;
    assert.equal(first('mail.example.com'), 'example.com');
    assert.equal(first('MX1.Mail.Example.ORG'), 'mail.example.org');
    assert.equal(first('example.com'), 'example.com');
    assert.equal(first('myhost'), 'myhost.localdomain');
    assert.equal(loadConfig({ HEARTH_HOSTNAME: 'mail.example.com', HEARTH_FIRST_DOMAIN: 'Customer.Example' }).firstDomain, 'customer.example');
  });

  it('reads a JSON config file named by HEARTH_CONFIG', () => {
    const path = file('ok.json', {
      dataDir: '/srv/hearth', hostname: 'mx.provider.example', listeners: { http: 'off', imap: '0.0.0.0:143' },
      trustProxy: true, logLevel: 'warn', auth: { maxFailures: 5, lockoutWindowSeconds: 60, cacheTtlSeconds: 0 },
      activesync: { maxHeartbeat: 1800 }, dav: { maxResourceSize: 1000 },
      tls: { certificates: [{ hostnames: ['mx.provider.example'], cert: '/c.pem', key: '/k.pem' }] },
    });
    const c = loadConfig({ HEARTH_CONFIG: path });
    assert.equal(c.dataDir, '/srv/hearth');
    assert.equal(c.hostname, 'mx.provider.example');
    assert.equal(c.firstDomain, 'provider.example');
    assert.equal(c.listeners.http, null);
    assert.deepEqual(c.listeners.imap, { host: '0.0.0.0', port: 143 });
    assert.deepEqual(c.listeners.smtp, { host: '0.0.0.0', port: 2525 }, 'unset listeners keep their defaults');
    assert.equal(c.trustProxy, true);
    assert.equal(c.logLevel, 'warn');
    assert.deepEqual(c.auth, { maxFailures: 5, lockoutWindowSeconds: 60, cacheTtlSeconds: 0 });
    assert.equal(c.activesync.maxHeartbeat, 1800);
    assert.equal(c.activesync.minHeartbeat, 60);
    assert.equal(c.dav.maxResourceSize, 1000);
    assert.equal(c.tls.certificates.length, 1);
  });

  it('lets the environment win over the file', () => {
    const path = file('env-wins.json', { hostname: 'file.example.com', listeners: { http: '127.0.0.1:1111' }, logLevel: 'warn', trustProxy: true, dataDir: '/from/file' });
    const c = loadConfig({ HEARTH_CONFIG: path, HEARTH_HOSTNAME: 'env.example.net', HEARTH_HTTP: '127.0.0.1:2222', HEARTH_LOG_LEVEL: 'error', HEARTH_TRUST_PROXY: 'false', HEARTH_DATA_DIR: '/from/env' });
    assert.equal(c.hostname, 'env.example.net');
    assert.equal(c.firstDomain, 'example.net');
    assert.deepEqual(c.listeners.http, { host: '127.0.0.1', port: 2222 });
    assert.equal(c.logLevel, 'error');
    assert.equal(c.trustProxy, false);
    assert.equal(c.dataDir, '/from/env');
  });

  it('refuses a bad config file with one line naming the file (and the setting)', () => {
    const bad = (name: string, content: unknown, ...expect: string[]) => {
      const path = file(name, content);
      const msg = configError({ ...BASE, HEARTH_CONFIG: path }, path);
      for (const e of expect) assert.ok(msg.includes(e), `${msg} should mention ${e}`);
    };
    bad('invalid.json', '{ "hostname": "x", }', 'not valid JSON');
    // Regression: V8's message quoted the file, newlines included (and whatever secret it held).
    const msg = (() => { const p = file('multi-line-invalid.json', '{\n  "database": "postgres://u:s3cr3t@db/h",\n  "x":\n}\n'); return configError({ ...BASE, HEARTH_CONFIG: p }, p); })();
    assert.ok(msg.includes('not valid JSON') && !msg.includes('s3cr3t'), msg);
    bad('unknown.json', { hostnme: 'typo.example.com' }, 'hostnme');
    bad('wrong-type.json', { trustProxy: 'yes' }, 'trustProxy');
    bad('wrong-nested.json', { auth: { maxFailures: -1 } }, 'auth.maxFailures');
    bad('unknown-nested.json', { auth: { lockoutSeconds: 5 } }, 'lockoutSeconds');
    bad('listener-typo.json', { listeners: { htp: '127.0.0.1:80' } }, 'htp');
    bad('listener-bad.json', { listeners: { http: 'nope' } }, 'listeners.http', 'nope');
    bad('tls-typo.json', { tls: { certficates: [] } }, 'certficates');
    bad('array.json', [1, 2], '(top level)');
    const missing = join(dir, 'missing.json');
    assert.ok(configError({ ...BASE, HEARTH_CONFIG: missing }, missing).includes('file not found'));
  });

  it('hands protocols only what they may read', () => {
    const s = protocolSettings(loadConfig({ ...BASE, HEARTH_IMAP: 'off' }));
    assert.equal(s.hostname, 'mail.example.com');
    assert.equal(s.publicUrl, 'https://mail.example.com:8443');
    assert.equal(s.listeners.imap, null);
    assert.deepEqual(s.listeners.submission, { host: '0.0.0.0', port: 5870 });
    assert.deepEqual(s.activesync, { minHeartbeat: 60, maxHeartbeat: 3540, maxSyncSeconds: 25, windowSizeMax: 512 });
    assert.ok(!('adminPassword' in s) && !('tls' in s) && !('database' in s));
  });
});
