/**
 * Interop with an implementation we did not write: libwbxml (Debian's libwbxml2-utils) encodes
 * the requests and decodes our answers; and the acceptance client (shared/acceptance/eas_basic.py)
 * runs against the plugin on a real socket. Skipped when the tools are not installed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { basic, makeHarness, type Harness } from './harness.js';
import { sharedPath } from '../../helpers/shared.js';

const haveLibwbxml = spawnSync('sh', ['-c', 'command -v xml2wbxml && command -v wbxml2xml']).status === 0;
const ACCEPTANCE = sharedPath('acceptance', 'eas_basic.py') ? sharedPath('acceptance') : undefined;
const DOCTYPE = '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE ActiveSync PUBLIC "-//MICROSOFT//DTD ActiveSync//EN" "http://www.microsoft.com/">\n';

function xml2wbxml(xml: string): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-libwbxml-'));
  try {
    writeFileSync(join(dir, 'in.xml'), DOCTYPE + xml);
    execFileSync('xml2wbxml', ['-n', '-a', '-o', join(dir, 'out.wbxml'), join(dir, 'in.xml')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'out.wbxml'));
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

function wbxml2xml(data: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-libwbxml-'));
  try {
    writeFileSync(join(dir, 'in.wbxml'), data);
    execFileSync('wbxml2xml', ['-l', 'ACTIVESYNC', '-m', '0', '-o', join(dir, 'out.xml'), join(dir, 'in.wbxml')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'out.xml'), 'utf8');
  } finally { rmSync(dir, { recursive: true, force: true }); }
}

describe('ActiveSync interop with libwbxml', { skip: haveLibwbxml ? false : 'libwbxml2-utils not installed' }, () => {
  let h: Harness;
  before(async () => {
    h = await makeHarness();
    await h.addUser('lib@example.com', 'lib-pass-1');
  });
  after(() => h.close());

  const post = (cmd: string, body: Buffer, key?: string) => h.app.inject({
    method: 'POST', url: `/Microsoft-Server-ActiveSync?Cmd=${cmd}&User=lib&DeviceId=LIBWBXML1&DeviceType=Linux`,
    headers: { authorization: basic('lib@example.com', 'lib-pass-1'), 'ms-asprotocolversion': '14.1', 'content-type': 'application/vnd.ms-sync.wbxml', ...(key ? { 'x-ms-policykey': key } : {}) },
    payload: body,
  });

  it('provisions, syncs folders and reads settings with libwbxml on both ends', async () => {
    const p1 = await post('Provision', xml2wbxml('<Provision xmlns="Provision:" xmlns:settings="Settings:"><settings:DeviceInformation><settings:Set><settings:Model>Linux</settings:Model></settings:Set></settings:DeviceInformation><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType></Policy></Policies></Provision>'));
    assert.equal(p1.statusCode, 200);
    const x1 = wbxml2xml(p1.rawPayload);
    assert.match(x1, /<EASProvisionDoc>/);
    assert.match(x1, /<AllowWiFi>1<\/AllowWiFi>/);
    const temp = /<PolicyKey>(\d+)<\/PolicyKey>/.exec(x1)![1];
    const p2 = await post('Provision', xml2wbxml(`<Provision xmlns="Provision:"><Policies><Policy><PolicyType>MS-EAS-Provisioning-WBXML</PolicyType><PolicyKey>${temp}</PolicyKey><Status>1</Status></Policy></Policies></Provision>`), temp);
    const key = /<PolicyKey>(\d+)<\/PolicyKey>/.exec(wbxml2xml(p2.rawPayload))![1];
    assert.notEqual(key, temp);

    const fs = await post('FolderSync', xml2wbxml('<FolderSync xmlns="FolderHierarchy:"><SyncKey>0</SyncKey></FolderSync>'), key);
    const fx = wbxml2xml(fs.rawPayload);
    assert.match(fx, /<Status>1<\/Status>/);
    for (const t of ['2', '3', '4', '5', '8', '9', '7', '10']) assert.match(fx, new RegExp(`<Type>${t}</Type>`), `type ${t}`);
    assert.doesNotMatch(fx, /Schedule|Files/);

    const st = await post('Settings', xml2wbxml('<Settings xmlns="Settings:"><UserInformation><Get/></UserInformation><Oof><Get><BodyType>Text</BodyType></Get></Oof></Settings>'), key);
    const sx = wbxml2xml(st.rawPayload);
    assert.match(sx, /<PrimarySmtpAddress>lib@example.com<\/PrimarySmtpAddress>/);
    assert.match(sx, /<OofState>0<\/OofState>/);

    const fc = await post('FolderCreate', xml2wbxml(`<FolderCreate xmlns="FolderHierarchy:"><SyncKey>1</SyncKey><ParentId>0</ParentId><DisplayName>Projects</DisplayName><Type>12</Type></FolderCreate>`), key);
    assert.match(wbxml2xml(fc.rawPayload), /<Status>1<\/Status><SyncKey>2<\/SyncKey><ServerId>\d+<\/ServerId>|<Status>1<\/Status>/);
  });
});

describe('acceptance client (eas_basic.py) against the plugin on a socket', { skip: haveLibwbxml && ACCEPTANCE ? false : 'libwbxml or shared/acceptance missing' }, () => {
  it('passes every step: options, provision, foldersync, add-contact, second device, invalid key', async () => {
    const h = await makeHarness();
    try {
      await h.addUser('alice@accept.test', 'Acc3pt-alice-pass');
      await h.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (h.app.server.address() as { port: number }).port;
      const out = await new Promise<string>((res) => {
        const child = execFileAsync('/usr/bin/python3', [join(ACCEPTANCE!, 'eas_basic.py'), '127.0.0.1', String(port), 'alice@accept.test', 'Acc3pt-alice-pass']);
        child.then(res);
      });
      for (const name of ['options', 'provision-14.1', 'provision-16.1', 'foldersync-14.1', 'foldersync-16.1']) {
        assert.match(out, new RegExp(`^PASS ${name} `, 'm'), `${name}\n${out}`);
      }
      for (const name of ['add-contact', 'second-device-gets-contact', 'invalid-synckey-status-3']) {
        assert.match(out, new RegExp(`^PASS ${name}`, 'm'), `${name}\n${out}`);
      }
      assert.match(out, /eas-basic: \d+ passed, 0 failed/);
    } finally {
      await h.close();
    }
  });
});

function execFileAsync(cmd: string, args: string[]): Promise<string> {
  return import('node:child_process').then(({ execFile }) => new Promise((res) => {
    execFile(cmd, args, { timeout: 60_000 }, (_err, stdout, stderr) => res(String(stdout) + String(stderr)));
  }));
}
