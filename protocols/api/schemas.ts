/**
 * The TypeBox schemas of the admin API: the same objects validate requests (fastify's Ajv) and
 * describe them in the OpenAPI document (@fastify/swagger), so the document cannot drift.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Bytes = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'bytes' });

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const Paging = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export const Order = Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' });
export const page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

export const DomainName = Type.Object({ domain: Type.String({ maxLength: 253 }) });
export const Email = Type.Object({ email: Type.String({ maxLength: 254 }) });

export const Domain = Type.Object({
  name: Type.String(),
  maxUsers: Nullable(Type.Integer()),
  defaultQuota: Nullable(Type.Integer()),
  maxQuota: Nullable(Type.Integer()),
  maxMessageSize: Nullable(Type.Integer()),
  footerText: Nullable(Type.String()),
  footerHtml: Nullable(Type.String()),
  createdAt: Type.String(),
});
export const DomainFields = Type.Object(
  {
    maxUsers: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000_000 }))),
    defaultQuota: Type.Optional(Nullable(Bytes)),
    maxQuota: Type.Optional(Nullable(Bytes)),
    maxMessageSize: Type.Optional(Nullable(Bytes)),
    footerText: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }))),
    footerHtml: Type.Optional(Nullable(Type.String({ maxLength: 50_000 }))),
  },
  { additionalProperties: false },
);
export type DomainFields = Static<typeof DomainFields>;

const ProtocolAccess = Type.Object({
  activesync: Type.Boolean(),
  dav: Type.Boolean(),
  imap: Type.Boolean(),
  pop3: Type.Boolean(),
  smtp: Type.Boolean(),
});
export const Account = Type.Object({
  email: Type.String(),
  kind: Type.String(),
  displayName: Nullable(Type.String()),
  quotaBytes: Nullable(Type.Integer()),
  usedBytes: Type.Integer(),
  usedMessages: Type.Integer(),
  disabled: Type.Boolean(),
  serverAdmin: Type.Boolean(),
  domainAdmin: Type.Boolean(),
  protocols: ProtocolAccess,
  resourceType: Type.Optional(Type.String()),
  createdAt: Type.String(),
});
export const AccountSummary = Type.Object({
  email: Type.String(),
  kind: Type.String(),
  displayName: Nullable(Type.String()),
  quotaBytes: Nullable(Type.Integer()),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
});
export const NewAccount = Type.Object(
  {
    email: Type.String({ maxLength: 254 }),
    password: Type.Optional(Type.String({ maxLength: 1024 })),
    displayName: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    quotaBytes: Type.Optional(Nullable(Bytes)),
    domainAdmin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const NewResource = Type.Object(
  {
    email: Type.String({ maxLength: 254 }),
    displayName: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    resourceType: Type.Union([Type.Literal('room'), Type.Literal('equipment')]),
  },
  { additionalProperties: false },
);
export const AccountChanges = Type.Object(
  {
    displayName: Type.Optional(Nullable(Type.String({ maxLength: 256 }))),
    quotaBytes: Type.Optional(Nullable(Bytes)),
    disabled: Type.Optional(Type.Boolean()),
    protocols: Type.Optional(Type.Partial(ProtocolAccess, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export const AccountListQuery = Type.Composite([
  Paging,
  Type.Object({
    sort: Type.Union([Type.Literal('email'), Type.Literal('displayName'), Type.Literal('createdAt')], { default: 'email' }),
    order: Order,
    q: Type.Optional(Type.String({ maxLength: 254, description: 'substring of the address or display name' })),
    disabled: Type.Optional(Type.Boolean()),
  }),
]);
export const Password = Type.Object({ password: Type.String({ maxLength: 1024 }) }, { additionalProperties: false });
export const Roles = Type.Object({
  serverAdmin: Type.Boolean(),
  serverReadOnly: Type.Boolean(),
  adminDomains: Type.Array(Type.String()),
  readOnlyDomains: Type.Array(Type.String()),
});
export const RolesChange = Type.Partial(Roles, { additionalProperties: false });

export const Alias = Type.Object({ address: Type.String(), targets: Type.Array(Type.String()) });
export const AliasBody = Type.Object(
  { targets: Type.Array(Type.String({ maxLength: 254 }), { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);

export const Device = Type.Object({
  deviceId: Type.String(),
  account: Type.String(),
  deviceType: Nullable(Type.String()),
  model: Nullable(Type.String()),
  userAgent: Nullable(Type.String()),
  protocolVersion: Nullable(Type.String()),
  access: Type.String(),
  wipeState: Type.String(),
  wipeAccountOnly: Type.Boolean(),
  provisioned: Type.Boolean(),
  info: Type.Record(Type.String(), Type.Unknown()),
  lastSeen: Type.String(),
  createdAt: Type.String(),
});
export const WipeBody = Type.Object(
  {
    password: Type.Optional(
      Type.String({ maxLength: 1024, description: "the administrator's own password, re-entered (required for a full wipe)" }),
    ),
    accountOnly: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);
export const AccessBody = Type.Object(
  {
    access: Type.Union([Type.Literal('allowed'), Type.Literal('blocked'), Type.Literal('quarantined')]),
  },
  { additionalProperties: false },
);

export const Grant = Type.Object({
  delegate: Type.String(),
  rights: Type.String(),
  folder: Nullable(Type.String()),
  status: Type.String(),
});
export const GrantBody = Type.Object(
  {
    rights: Type.Union([Type.Literal('read'), Type.Literal('write'), Type.Literal('freebusy')]),
    folder: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);

export const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  target: Type.String(),
  source: Nullable(Type.String()),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export const AuditQuery = Type.Composite([
  Paging,
  Type.Object({
    domain: Type.Optional(Type.String({ maxLength: 253 })),
    target: Type.Optional(Type.String({ maxLength: 600 })),
    action: Type.Optional(Type.String({ maxLength: 100, description: 'action prefix, e.g. user.' })),
  }),
]);

export const Usage = Type.Object({
  domain: Type.String(),
  month: Type.String(),
  maxUsers: Type.Integer(),
  maxStorageBytes: Type.Integer(),
  currentUsers: Type.Integer(),
  currentStorageBytes: Type.Integer(),
  days: Type.Array(Type.Object({ day: Type.String(), users: Type.Integer(), storageBytes: Type.Integer() })),
});

export const ApiKey = Type.Object({
  keyId: Type.String(),
  account: Type.String(),
  label: Type.String(),
  access: Type.String(),
  cidrs: Type.Array(Type.String()),
  createdAt: Type.String(),
  lastUsedAt: Nullable(Type.String()),
});
export const NewApiKey = Type.Object(
  {
    label: Type.Optional(Type.String({ maxLength: 200 })),
    access: Type.Union([Type.Literal('read'), Type.Literal('write')]),
    cidrs: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 })),
  },
  { additionalProperties: false },
);

export const TokenRequest = Type.Object(
  { email: Type.String({ maxLength: 254 }), password: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);
export const TokenResponse = Type.Object({ token: Type.String(), tokenType: Type.Literal('Bearer'), expiresAt: Type.String() });
