/**
 * The served OpenAPI document is valid OpenAPI 3.1 by a validator we did not write
 * (@seriousme/openapi-schema-validator), and it describes what the routes really validate.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { apiHarness, type ApiHarness } from './harness.js';

describe('admin API: OpenAPI document', () => {
  let h: ApiHarness;
  before(async () => {
    h = await apiHarness();
  });
  after(async () => {
    await h.close();
  });

  it('is served without credentials and validates as OpenAPI 3.1', async () => {
    const r = await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(r.statusCode, 200);
    const doc = r.json();
    assert.equal(doc.openapi, '3.1.0');
    const result = await new Validator().validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2)?.slice(0, 2000));
    // The validator does refuse: the same document with an operation missing its responses.
    const broken = structuredClone(doc);
    delete broken.paths['/api/v1/domains'].get.responses;
    broken.paths['/api/v1/domains'].get.parameters = [{ name: 'x' }];
    assert.equal((await new Validator().validate(broken)).valid, false);
  });

  it('lists every resource of the API, and only the API', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/api/v1/auth/token',
      '/api/v1/domains',
      '/api/v1/domains/{domain}',
      '/api/v1/domains/{domain}/users',
      '/api/v1/users/{email}',
      '/api/v1/domains/{domain}/groups',
      '/api/v1/domains/{domain}/resources',
      '/api/v1/aliases/{address}',
      '/api/v1/users/{email}/devices/{deviceId}/wipe',
      '/api/v1/users/{email}/grants/{delegate}',
      '/api/v1/audit',
      '/api/v1/domains/{domain}/usage',
      '/api/v1/api-keys',
      '/api/v1/domains/{domain}/access-rules',
      '/api/v1/domains/{domain}/public-folders',
      '/api/v1/domains/{domain}/public-folders/{id}',
      '/api/v1/domains/{domain}/public-folders/{id}/grants/{email}',
    ]) {
      assert.ok(paths.includes(p), `${p} in the document`);
    }
    assert.ok(
      paths.every((p) => p.startsWith('/api/v1/')),
      "no other protocol's routes",
    );
    assert.ok(!paths.includes('/api/v1/openapi.json'), 'the document does not describe itself');
    // The schema that validates user creation is the one documented.
    const create = doc.paths['/api/v1/domains/{domain}/users'].post;
    assert.deepEqual(create.requestBody.content['application/json'].schema.required, ['email']);
    assert.equal(create.requestBody.content['application/json'].schema.additionalProperties, false);
    // Public folders: the create body, the PATCH body, the grant body and the paged answer are described.
    const folders = doc.paths['/api/v1/domains/{domain}/public-folders'];
    assert.deepEqual(folders.post.requestBody.content['application/json'].schema.required.sort(), ['kind', 'name']);
    assert.deepEqual(Object.keys(folders.get.responses['200'].content['application/json'].schema.properties).sort(), ['items', 'limit', 'offset', 'total']);
    assert.deepEqual(folders.get.parameters.map((p: { name: string }) => p.name).sort(), ['defaultAccess', 'domain', 'kind', 'limit', 'offset', 'order', 'q', 'sort']);
    const one = doc.paths['/api/v1/domains/{domain}/public-folders/{id}'];
    assert.deepEqual(Object.keys(one.patch.requestBody.content['application/json'].schema.properties).sort(), ['defaultAccess', 'name', 'parentId']);
    assert.ok(one.delete && one.get);
    const grant = doc.paths['/api/v1/domains/{domain}/public-folders/{id}/grants/{email}'];
    assert.ok(grant.put.requestBody.content['application/json'].schema.properties.rights);
    assert.ok(grant.delete);
  });

  it('documents problem+json errors and bearer security (public sign-in)', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    assert.ok(doc.paths['/api/v1/users/{email}'].get.responses['4XX'].content['application/problem+json']);
    assert.deepEqual(doc.security, [{ bearer: [] }]);
    assert.deepEqual(doc.paths['/api/v1/auth/token'].post.security, []);
  });
});
