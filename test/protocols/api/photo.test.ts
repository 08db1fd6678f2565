/**
 * Account photos through the API (protocols/api/routes/photo.ts, src/admin/account-photo.ts): a
 * domain's administrator sets, reads and removes a user's or a room's photo, with ETags and an
 * audit entry; only JPEG and PNG by their bytes, at most 100 KiB; another domain's administrator
 * gets the 404 of an unknown account; deleting the account releases the photo's blob.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiHarness, type ApiHarness } from './harness.js';
import { PHOTO_MAX_BYTES } from '../../../src/admin/account-photo.js';

// A 1x1 PNG (PNG spec §5.2 signature, IHDR, IDAT, IEND).
const PNG_1x1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
// The JPEG start of image and a JFIF APP0 segment: the type is read from these bytes.
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(64, 7), Buffer.from([0xff, 0xd9])]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

describe('admin API: account photos', () => {
  let h: ApiHarness;
  before(async () => { h = await apiHarness(); });
  after(async () => { await h?.close(); });

  const put = (token: string, path: string, body: Buffer, type: string, headers: Record<string, string> = {}) =>
    h.app.inject({ method: 'PUT', url: `/api/v1/${path}/photo`, headers: { authorization: `Bearer ${token}`, 'content-type': type, ...headers }, payload: body });

  it("lets the domain's administrator set, read and remove a user's photo, audited", async () => {
    const admin = await h.as('admin@a.test');
    assert.equal((await admin.req('GET', '/api/v1/users/ann@a.test/photo')).statusCode, 404);
    assert.equal((await put(admin.token, 'users/ann@a.test', JPEG, 'image/jpeg')).statusCode, 204);
    const got = await admin.req('GET', '/api/v1/users/ann@a.test/photo');
    assert.equal(got.statusCode, 200);
    assert.equal(got.headers['content-type'], 'image/jpeg');
    assert.equal(got.headers['x-content-type-options'], 'nosniff');
    assert.deepEqual(got.rawPayload, JPEG);
    // The type is the bytes', whatever the request says; a stale ETag is refused.
    assert.equal((await put(admin.token, 'users/ann@a.test', PNG_1x1, 'image/jpeg', { 'if-match': got.headers.etag as string })).statusCode, 204);
    const png = await admin.req('GET', '/api/v1/users/ann@a.test/photo');
    assert.equal(png.headers['content-type'], 'image/png');
    assert.equal((await put(admin.token, 'users/ann@a.test', JPEG, 'image/jpeg', { 'if-match': got.headers.etag as string })).statusCode, 412);
    const audit = await admin.req('GET', '/api/v1/audit?action=user.photo.');
    assert.equal(audit.json().items[0].action, 'user.photo.updated');
    assert.equal((await admin.req('DELETE', '/api/v1/users/ann@a.test/photo', undefined, { 'if-match': png.headers.etag as string })).statusCode, 204);
    assert.equal((await admin.req('GET', '/api/v1/users/ann@a.test/photo')).statusCode, 404);
    assert.equal((await admin.req('GET', '/api/v1/audit?action=user.photo.')).json().items[0].action, 'user.photo.removed');
  });

  it('takes JPEG and PNG only, at most 100 KiB, and leaves the photo as it was otherwise', async () => {
    const admin = await h.as('admin@a.test');
    assert.equal((await put(admin.token, 'users/ann@a.test', PNG_1x1, 'image/png')).statusCode, 204);
    const gif = await put(admin.token, 'users/ann@a.test', GIF, 'image/gif');
    assert.equal(gif.statusCode, 422);
    assert.match(gif.json().detail, /JPEG or PNG/);
    assert.equal((await put(admin.token, 'users/ann@a.test', Buffer.from('<svg/>'), 'image/png')).statusCode, 422);
    const big = await put(admin.token, 'users/ann@a.test', Buffer.concat([PNG_1x1, Buffer.alloc(PHOTO_MAX_BYTES)]), 'image/png');
    assert.equal(big.statusCode, 422);
    assert.match(big.json().detail, /100 KiB/);
    assert.deepEqual((await admin.req('GET', '/api/v1/users/ann@a.test/photo')).rawPayload, PNG_1x1);
  });

  it("answers another domain's administrator as for an unknown account; rooms have photos too; deleting the account releases the blob", async () => {
    const adminB = await h.as('admin@b.test');
    for (const method of ['GET', 'DELETE'] as const) {
      const r = await adminB.req(method, '/api/v1/users/ann@a.test/photo');
      assert.equal(r.statusCode, 404, method);
      assert.equal(r.json().detail, 'user not found');
    }
    assert.equal((await put(adminB.token, 'users/ann@a.test', JPEG, 'image/jpeg')).statusCode, 404);
    const admin = await h.as('admin@a.test');
    const room = await admin.req('POST', '/api/v1/domains/a.test/resources', { email: 'room1@a.test', displayName: 'Room 1', resourceType: 'room' });
    assert.ok(room.statusCode < 300, room.body);
    assert.equal((await put(admin.token, 'resources/room1@a.test', JPEG, 'image/jpeg')).statusCode, 204);
    assert.equal((await admin.req('GET', '/api/v1/resources/room1@a.test/photo')).statusCode, 200);
    assert.equal((await admin.req('GET', '/api/v1/users/room1@a.test/photo')).statusCode, 404, 'a room is not a user');
    const made = await admin.req('POST', '/api/v1/domains/a.test/users', { email: 'leaver@a.test', password: 'Leaver-pass-12' });
    assert.ok(made.statusCode < 300, made.body);
    const own = Buffer.concat([JPEG, Buffer.from('leaver')]);
    assert.equal((await put(admin.token, 'users/leaver@a.test', own, 'image/jpeg')).statusCode, 204);
    const leaver = (await h.t.store.getAccount('leaver@a.test'))!;
    const hash = (await h.t.store.getSetting<{ blob: string }>(leaver.id, 'photo'))!.blob;
    assert.deepEqual(await h.t.store.getBlob(hash), own);
    assert.equal((await admin.req('DELETE', '/api/v1/users/leaver@a.test')).statusCode, 204);
    assert.equal(await h.t.store.getBlob(hash), null);
  });
});
