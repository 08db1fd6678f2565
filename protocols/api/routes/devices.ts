/**
 * ActiveSync devices: list (per user, or every device of a domain), details, remote wipe (full
 * wipe only with the administrator's own password re-entered, so a stolen token cannot erase
 * phones), account-only wipe, cancel, remove, and allow/block/quarantine.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { Device as DeviceModel } from '../../../src/model/types.js';
import { cancelWipe, removeDevice, requestWipe, setDeviceAccess } from '../../../src/admin/devices.js';
import { Forbidden } from '../../../src/admin/roles.js';
import { StoreError } from '../../../src/store/errors.js';
import { AccessBody, Device, DomainName, Email, Paging, WipeBody, page } from '../schemas.js';
import { claimWrite, etagOf, tagReply } from '../etag.js';
import { HttpProblem } from '../problem.js';
import { accountFor, domainFor, principal } from '../scope.js';
import type { ApiDeps } from '../deps.js';

const DeviceParams = Type.Object({ email: Type.String({ maxLength: 254 }), deviceId: Type.String({ maxLength: 128 }) });
const view = (d: DeviceModel, email: string) => ({
  deviceId: d.deviceId,
  account: email,
  deviceType: d.deviceType,
  model: d.model,
  userAgent: d.userAgent,
  protocolVersion: d.protocolVersion,
  access: d.access,
  wipeState: d.wipeState,
  wipeAccountOnly: d.wipeAccountOnly,
  provisioned: d.policyKey !== null,
  info: d.info,
  lastSeen: new Date(d.lastSeen).toISOString(),
  createdAt: new Date(d.createdAt).toISOString(),
});
const resource = (email: string, id: string) => `device:${email}/${id}`;

export function deviceRoutes(app: FastifyInstance, { store, auth }: ApiDeps): void {
  const find = async (req: { params: unknown }, p: ReturnType<typeof principal>, need: 'read' | 'write') => {
    const params = req.params as Static<typeof DeviceParams>;
    const { account } = await accountFor(store, p, params.email, need, 'user');
    const device = await store.getDevice(account.id, params.deviceId);
    if (!device) throw new StoreError('NotFound', 'device not found');
    return { account, device };
  };

  app.get(
    '/users/:email/devices',
    { schema: { tags: ['devices'], params: Email, response: { 200: Type.Object({ items: Type.Array(Device) }) } } },
    async (req) => {
      const { account } = await accountFor(store, principal(req), (req.params as Static<typeof Email>).email, 'read', 'user');
      return { items: (await store.listDevices(account.id)).map((d) => view(d, account.email)) };
    },
  );

  app.get(
    '/domains/:domain/devices',
    {
      schema: {
        tags: ['devices'],
        summary: "Every device of the domain's users",
        params: DomainName,
        querystring: Paging,
        response: { 200: page(Device) },
      },
    },
    async (req) => {
      const d = await domainFor(store, principal(req), (req.params as Static<typeof DomainName>).domain, 'read');
      const q = req.query as Static<typeof Paging>;
      const all = [];
      for (const a of await store.listAccounts(d.id)) for (const dev of await store.listDevices(a.id)) all.push(view(dev, a.email));
      return { items: all.slice(q.offset, q.offset + q.limit), total: all.length, limit: q.limit, offset: q.offset };
    },
  );

  app.get(
    '/users/:email/devices/:deviceId',
    { schema: { tags: ['devices'], params: DeviceParams, response: { 200: Device } } },
    async (req, reply) => {
      const { account, device } = await find(req, principal(req), 'read');
      const v = view(device, account.email);
      await tagReply(store, reply, resource(account.email, device.deviceId), v);
      return v;
    },
  );

  app.post(
    '/users/:email/devices/:deviceId/wipe',
    {
      schema: {
        tags: ['devices'],
        summary: "Request a remote wipe at the device's next contact; a full wipe needs the administrator's password",
        params: DeviceParams,
        body: WipeBody,
        response: { 202: Device },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const { account, device } = await find(req, p, 'write');
      const body = req.body as Static<typeof WipeBody>;
      if (!body.accountOnly) {
        if (p.via !== 'token') throw new Forbidden('a full wipe needs a signed-in administrator who re-enters their password');
        if (!body.password) throw new StoreError('Invalid', 'password: re-enter your own password to wipe a device');
        const check = await auth.verify(p.account.email, body.password, req.ip);
        if (!check.ok || check.account.id !== p.account.id) {
          if (!check.ok && (check.reason === 'locked' || check.reason === 'throttled'))
            throw new HttpProblem(429, 'Too Many Requests', 'too many failed password checks', {
              'retry-after': String(check.retryAfterSeconds),
            });
          throw new Forbidden('the password is not right');
        }
      }
      const version = await claimWrite(store, req, resource(account.email, device.deviceId), view(device, account.email));
      const updated = await requestWipe(store, account.email, device.deviceId, !!body.accountOnly, p.by);
      reply.code(202).header('etag', etagOf(version, view(updated, account.email)));
      return view(updated, account.email);
    },
  );

  app.post(
    '/users/:email/devices/:deviceId/cancel-wipe',
    { schema: { tags: ['devices'], params: DeviceParams, response: { 200: Device } } },
    async (req, reply) => {
      const p = principal(req);
      const { account, device } = await find(req, p, 'write');
      const version = await claimWrite(store, req, resource(account.email, device.deviceId), view(device, account.email));
      const updated = await cancelWipe(store, account.email, device.deviceId, p.by);
      reply.header('etag', etagOf(version, view(updated, account.email)));
      return view(updated, account.email);
    },
  );

  app.put(
    '/users/:email/devices/:deviceId/access',
    {
      schema: {
        tags: ['devices'],
        summary: "Allow, block or quarantine the device, overriding the domain's rules (idempotent)",
        params: DeviceParams,
        body: AccessBody,
        response: { 200: Device },
      },
    },
    async (req, reply) => {
      const p = principal(req);
      const { account, device } = await find(req, p, 'write');
      const version = await claimWrite(store, req, resource(account.email, device.deviceId), view(device, account.email));
      const updated = await setDeviceAccess(store, account.email, device.deviceId, (req.body as Static<typeof AccessBody>).access, p.by);
      reply.header('etag', etagOf(version, view(updated, account.email)));
      return view(updated, account.email);
    },
  );

  app.delete(
    '/users/:email/devices/:deviceId',
    { schema: { tags: ['devices'], summary: 'Forget the device (a wiped device may then connect again)', params: DeviceParams } },
    async (req, reply) => {
      const p = principal(req);
      const { account, device } = await find(req, p, 'write');
      await claimWrite(store, req, resource(account.email, device.deviceId), view(device, account.email));
      await removeDevice(store, account.email, device.deviceId, p.by);
      return reply.code(204).send();
    },
  );
}
