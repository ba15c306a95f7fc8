import { createHmac, randomUUID } from 'node:crypto';
import type { SigningKey } from '@microtick/common';
import type { HostileCase } from './send';
import { forgedSessions, ghostSession, type Identity } from './sessions';

export interface Fixtures {
  /** The stack's session signing key, to make sessions that look real. */
  signingKey: SigningKey;
  webhookSecret: string;
  password: string;
  seller: { id: string; email: string; cookie: string };
  buyer: { id: string; email: string; cookie: string };
  /** The seller's, available: the target of edits. */
  availableTicketId: string;
  /** The seller's, reserved by the buyer's open order. */
  heldTicketId: string;
  /** The buyer's, open, known to payments. */
  openOrderId: string;
  /** Titles of every fixture ticket: a search must not find them by accident. */
  fixtureTitles: string[];
}

interface BadValue {
  label: string;
  value: unknown;
  /** Default: 400. */
  expected?: number[];
}

const JSON_TYPE = { 'content-type': 'application/json' };
const long = (n: number) => 'x'.repeat(n);
const uniqueEmail = () => `hostile-${randomUUID()}@example.com`;

/** Non-strings where a string is expected. */
const notStrings: BadValue[] = [
  { label: 'number', value: 123 },
  { label: 'zero', value: 0 },
  { label: 'float', value: 1.5 },
  { label: 'true', value: true },
  { label: 'false', value: false },
  { label: 'null', value: null },
  { label: 'empty array', value: [] },
  { label: 'array of strings', value: ['a', 'b'] },
  { label: 'empty object', value: {} },
  { label: 'object', value: { a: 1 } },
  { label: 'mongo operator', value: { $gt: '' } },
  { label: 'nested arrays', value: [[[]]] },
  // String(value) throws for these: toString and valueOf are not functions.
  { label: 'object whose toString is not a function', value: { toString: 'x', valueOf: 1 } },
];

const badEmails: BadValue[] = [
  ...notStrings,
  ...['', ' ', 'plainaddress', 'a@', '@example.com', 'a@b', 'a b@example.com', 'a@@example.com', "' OR '1'='1"].map(
    (value) => ({ label: JSON.stringify(value), value }),
  ),
  { label: '10k characters', value: long(10_000) },
  { label: '250 characters + domain', value: `${long(250)}@example.com` },
  { label: 'NUL inside', value: 'a\u0000b@example.com' },
  { label: 'control character', value: 'a\u0007@example.com' },
  { label: 'unpaired surrogate', value: '\ud800@example.com' },
  { label: 'SQL', value: "x@example.com'; DROP TABLE users; --" },
  { label: 'HTML', value: '<script>alert(1)</script>@example.com' },
  { label: 'CRLF header injection', value: 'a@example.com\r\nSet-Cookie: x=y' },
];

/** Signup: wrong types and wrong lengths (any 8–128 character string is a valid password). */
const badSignupPasswords: BadValue[] = [
  ...notStrings,
  ...['', 'short', '1234567'].map((value) => ({ label: JSON.stringify(value), value })),
  { label: '129 characters', value: long(129) },
  { label: '10k characters', value: long(10_000) },
];

const badSigninPasswords: BadValue[] = [
  ...notStrings,
  { label: 'empty', value: '' },
  { label: '129 characters', value: long(129) },
  { label: '10k characters', value: long(10_000) },
  { label: 'wrong password', value: 'not the password' },
  { label: 'SQL', value: "' OR '1'='1" },
];

const badResetTokens: BadValue[] = [
  ...notStrings,
  { label: 'empty', value: '' },
  { label: '10k characters', value: long(10_000) },
  { label: 'never sent', value: 'a-token-that-was-never-sent' },
  { label: 'SQL', value: "' OR '1'='1" },
];

const badTitles: BadValue[] = [
  ...notStrings,
  { label: 'empty', value: '' },
  { label: 'blank', value: '   \t ' },
  { label: '201 characters', value: long(201) },
  { label: '10k characters', value: long(10_000) },
  { label: 'NUL', value: 'a\u0000b' },
  { label: 'only NUL', value: '\u0000' },
  { label: 'bell', value: 'ring\u0007' },
  { label: 'line break', value: 'two\nlines' },
  { label: 'escape sequence', value: '\u001b[31mred' },
  { label: 'unpaired high surrogate', value: 'x\ud800' },
  { label: 'unpaired low surrogate', value: '\udc00x' },
];

const badPrices: BadValue[] = [
  ...[
    '10',
    '10.00',
    '',
    'NaN',
    'Infinity',
    '-Infinity',
    '1e308',
    'abc',
    '0x10',
    '$10',
    '10,00',
    '1; DROP TABLE tickets; --',
  ].map((value) => ({ label: `string ${JSON.stringify(value)}`, value })),
  ...[true, false, null, [], [10], {}, { amount: 10 }].map((value) => ({ label: JSON.stringify(value), value })),
  ...[0, -0, -1, -0.01, -1e308, 0.001, 10.555, 19.999, 1.005, 1e-9, 1e-7, 5e-324, 1_000_000.01, 1_000_001, 1e7, 1e308]
    .concat([Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, -(2 ** 31)])
    .map((value) => ({ label: `number ${value}`, value })),
];

/** Ids in a body that are not ids (400), and one that is an id but of nothing (404). */
const badBodyIds = (notUuidStatus: number): BadValue[] => [
  ...notStrings,
  { label: 'empty', value: '' },
  ...[
    'abc',
    '123',
    "' OR '1'='1",
    '1; DROP TABLE orders; --',
    '../../etc/passwd',
    '00000000-0000-0000-0000-00000000000g',
    `${randomUUID()}x`,
    ` ${randomUUID()}`,
    randomUUID().replace(/-/g, ''),
    `{${randomUUID()}}`,
    long(10_000),
    `${randomUUID()}\u0000`,
  ].map((value) => ({ label: JSON.stringify(value.slice(0, 40)), value, expected: [notUuidStatus] })),
  { label: 'unknown uuid', value: randomUUID(), expected: [404] },
  { label: 'nil uuid', value: '00000000-0000-0000-0000-000000000000', expected: [404] },
];

const badPaymentMethods: BadValue[] = [
  ...notStrings,
  ...[
    '',
    'pm card visa',
    'pm_card_visa\u0000',
    'pm_card_visa;',
    "' OR '1'='1",
    '../../secret',
    long(101),
    long(10_000),
    'pm_unknown',
    'pm_card_visa ',
  ].map((value) => ({ label: JSON.stringify(value.slice(0, 40)), value })),
  { label: 'a declined card', value: 'pm_card_chargeDeclined', expected: [402] },
];

/** Ids in a path that are not ids. Sent as-is: the gateway and Express see exactly these bytes. */
export const malformedPathIds = [
  'not-a-uuid',
  '123',
  '-1',
  '1e308',
  'null',
  'undefined',
  '__proto__',
  'constructor',
  "1'%20OR%20'1'%3D'1",
  '1%3B%20DROP%20TABLE%20tickets',
  '..',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e%2f%2e%2e%2f',
  '%2F',
  '%00',
  `${randomUUID()}%00`,
  '%E0%A4%A',
  '%C0%AF',
  '%C0%80',
  '%FF%FE',
  '%',
  '%25',
  `${randomUUID()}x`,
  randomUUID().replace(/-/g, ''),
  `%20${randomUUID()}`,
  `%7B${randomUUID()}%7D`,
  long(2_000),
  randomUUID(),
  randomUUID().toUpperCase(),
];

interface BodyRoute {
  name: string;
  method: string;
  path: string;
  /** Who the request is sent as (a valid session) and who forged sessions claim to be. */
  owner?: { id: string; email: string; cookie: string };
  /** A body the route would accept: every case breaks at least one thing in it. */
  base: () => Record<string, unknown>;
  fields: Record<string, BadValue[]>;
  /** A ghost session (valid signature, no such user) with the valid body: the status, if it changes nothing. */
  ghost?: number;
}

function bodyRoutes(f: Fixtures): BodyRoute[] {
  return [
    {
      name: 'signup',
      method: 'POST',
      path: '/api/users/signup',
      base: () => ({ email: uniqueEmail(), password: f.password }),
      fields: { email: badEmails, password: badSignupPasswords },
    },
    {
      name: 'signin',
      method: 'POST',
      path: '/api/users/signin',
      base: () => ({ email: f.seller.email, password: f.password }),
      fields: { email: badEmails, password: badSigninPasswords },
    },
    {
      name: 'password reset request',
      method: 'POST',
      path: '/api/users/password-reset',
      // A fresh address each time: the per-email limit is not what these cases test.
      base: () => ({ email: uniqueEmail() }),
      fields: { email: badEmails },
    },
    {
      name: 'password reset confirm',
      method: 'POST',
      path: '/api/users/password-reset/confirm',
      // No link was sent for this token, so even this body is refused: every case breaks it further.
      base: () => ({ token: 'a-token-that-was-never-sent', newPassword: 'a perfectly fine new passphrase' }),
      fields: { token: badResetTokens, newPassword: badSignupPasswords },
    },
    {
      name: 'create ticket',
      method: 'POST',
      path: '/api/tickets',
      owner: f.seller,
      base: () => ({ title: 'Hostile new ticket', price: 10 }),
      fields: { title: badTitles, price: badPrices },
    },
    {
      name: 'edit ticket',
      method: 'PUT',
      path: `/api/tickets/${f.availableTicketId}`,
      owner: f.seller,
      base: () => ({ title: 'Hostile edit', price: 11 }),
      fields: { title: badTitles, price: badPrices },
      ghost: 403,
    },
    {
      name: 'create order',
      method: 'POST',
      path: '/api/orders',
      owner: f.buyer,
      base: () => ({ ticketId: f.availableTicketId }),
      fields: { ticketId: badBodyIds(400) },
    },
    {
      name: 'pay',
      method: 'POST',
      path: '/api/payments',
      owner: f.buyer,
      base: () => ({ orderId: f.openOrderId, paymentMethod: 'pm_card_visa' }),
      // A non-empty orderId that is not a uuid is a malformed id: 404.
      fields: { orderId: badBodyIds(404), paymentMethod: badPaymentMethods },
      ghost: 404,
    },
  ];
}

const malformedJson = [
  '{',
  '}',
  '{"a":',
  '{"title":"x",}',
  "{'title':'x'}",
  '{title:"x"}',
  '{"price":NaN}',
  '{"price":Infinity}',
  '{"price":0x10}',
  '{"price":.5}',
  '{"price":+1}',
  '{"price":01}',
  '{"title":"unterminated}',
  '{"title":"bad escape \\x41"}',
  '{"title":"\\ud800\\u"}',
  'undefined',
  '// comment\n{}',
  '{"a":1}{"b":2}',
  '\u0000',
];

/** Bodies that are JSON but not an object (treated as an empty object: required fields are missing). */
const nonObjectBodies = [
  '[]',
  '"a string"',
  '123',
  'null',
  'true',
  '[[[[[[[[[[]]]]]]]]]]',
  `${'['.repeat(3000)}${']'.repeat(3000)}`,
];

const nonJsonTypes = [
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/jsonx',
  'application/octet-stream',
  'application/json-seq',
  'json',
  '*/*',
];

function casesForBodyRoute(route: BodyRoute, f: Fixtures): HostileCase[] {
  const cases: HostileCase[] = [];
  const headers = (cookie = route.owner?.cookie): Record<string, string> => ({
    ...JSON_TYPE,
    ...(cookie ? { cookie } : {}),
  });
  const add = (name: string, body: string | Buffer | undefined, expected: number[], extra: Partial<HostileCase> = {}) =>
    cases.push({
      name: `${route.name}: ${name}`,
      method: route.method,
      path: route.path,
      headers: headers(),
      body,
      expected,
      ...extra,
    });
  const firstField = Object.keys(route.fields)[0];

  for (const [field, values] of Object.entries(route.fields)) {
    for (const bad of values) {
      add(`${field} = ${bad.label}`, JSON.stringify({ ...route.base(), [field]: bad.value }), bad.expected ?? [400]);
    }
    const { [field]: _missing, ...rest } = route.base();
    add(`${field} missing`, JSON.stringify(rest), [400]);
    // A string field's bytes that are not UTF-8 (invalid byte, overlong "/" and NUL, truncated sequence).
    const value = route.base()[field];
    if (typeof value === 'string') {
      for (const [label, bytes] of [
        ['invalid byte 0xFF', [0xff]],
        ['overlong "/"', [0xc0, 0xaf]],
        ['overlong NUL', [0xc0, 0x80]],
        ['three-byte overlong', [0xe0, 0x80, 0xaf]],
        ['truncated sequence', [0xe2, 0x82]],
        ['UTF-16 surrogate as UTF-8', [0xed, 0xa0, 0x80]],
      ] as const) {
        const json = JSON.stringify({ ...route.base(), [field]: '\u0001MARK' });
        const [before, after] = json.split('\\u0001MARK');
        add(
          `${field} has ${label}`,
          Buffer.concat([Buffer.from(`${before}${value}`), Buffer.from(bytes), Buffer.from(after)]),
          [400],
        );
      }
    }
  }
  add('empty object', '{}', [400]);
  for (const body of nonObjectBodies) add(`body ${body.slice(0, 30)}`, body, [400]);
  add('the valid body inside an array', JSON.stringify([route.base()]), [400]);
  for (const body of malformedJson) add(`malformed JSON ${JSON.stringify(body)}`, body, [400]);
  add('duplicate keys, the last one bad', `${JSON.stringify(route.base()).slice(0, -1)},"${firstField}":[]}`, [400]);
  add('byte order mark then garbage', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{oops')]), [400]);

  // Prototype pollution: the valid fields only under __proto__ / constructor.prototype are not fields.
  add('valid fields only under __proto__', `{"__proto__":${JSON.stringify(route.base())}}`, [400]);
  add(
    'valid fields only under constructor.prototype',
    JSON.stringify({ constructor: { prototype: route.base() } }),
    [400],
  );
  add(
    '__proto__ pollution with a bad field',
    `{"__proto__":{"isAdmin":true,"${firstField}":"x"},${JSON.stringify({ ...route.base(), [firstField]: [] }).slice(1)}`,
    [400],
  );
  add(
    'constructor.prototype pollution with a bad field',
    JSON.stringify({ ...route.base(), [firstField]: {}, constructor: { prototype: { isAdmin: true } } }),
    [400],
  );
  add(
    'extra fields (mass assignment) with a bad field',
    JSON.stringify({
      ...route.base(),
      [firstField]: null,
      id: randomUUID(),
      userId: f.buyer.id,
      version: 99,
      status: 'sold',
      isAdmin: true,
      role: 'admin',
    }),
    [400],
  );

  // Sizes beyond the 16 kB body limit, declared and chunked.
  for (const size of [17_000, 200_000, 2_000_000]) {
    add(`${size} byte body`, JSON.stringify({ ...route.base(), padding: long(size) }), [413]);
  }
  add('100 kB chunked body', JSON.stringify({ ...route.base(), padding: long(100_000) }), [413], { chunked: true });

  // The valid body under a type that is not JSON is not read.
  for (const type of nonJsonTypes) {
    add(`content-type ${type}`, JSON.stringify(route.base()), [415], {
      headers: { ...headers(), 'content-type': type },
    });
  }
  add('no content-type', JSON.stringify(route.base()), [415], {
    headers: route.owner ? { cookie: route.owner.cookie } : {},
  });
  add('charset latin1', JSON.stringify(route.base()), [415], {
    headers: { ...headers(), 'content-type': 'application/json; charset=latin1' },
  });
  add('charset utf-16 on UTF-8 bytes', JSON.stringify(route.base()), [400, 415], {
    headers: { ...headers(), 'content-type': 'application/json; charset=utf-16' },
  });
  add('gzip that does not inflate', 'not gzip', [400], {
    headers: { ...headers(), 'content-encoding': 'gzip' },
  });
  add('unknown content-encoding', JSON.stringify(route.base()), [415], {
    headers: { ...headers(), 'content-encoding': 'br2' },
  });

  if (route.owner) {
    // The valid body with a session that is not one: nothing may happen.
    add('no session', JSON.stringify(route.base()), [401], { headers: JSON_TYPE });
    for (const forged of forgedSessions(f.signingKey, route.owner)) {
      add(`forged session (${forged.name})`, JSON.stringify(route.base()), [401], { headers: headers(forged.cookie) });
    }
    if (route.ghost) {
      add('session of a user that does not exist', JSON.stringify(route.base()), [route.ghost], {
        headers: headers(ghostSession(f.signingKey)),
      });
    }
    // A bad body without a session: 401 before validation.
    add(`no session and ${firstField} = []`, JSON.stringify({ ...route.base(), [firstField]: [] }), [401], {
      headers: JSON_TYPE,
    });
  }
  return cases;
}

function casesForPathRoutes(f: Fixtures): HostileCase[] {
  const cases: HostileCase[] = [];
  const editBody = JSON.stringify({ title: 'Hostile edit', price: 12 });
  // Without a session either answer is right: 401 (requireAuth) or 404 (the path matches no route, or
  // its id cannot even be decoded, which Express finds before the route runs).
  const anonymous = [401, 404];
  for (const id of malformedPathIds) {
    const label = id.slice(0, 40);
    cases.push(
      { name: `show ticket ${label}`, method: 'GET', path: `/api/tickets/${id}`, expected: [404] },
      {
        name: `edit ticket ${label}`,
        method: 'PUT',
        path: `/api/tickets/${id}`,
        headers: { ...JSON_TYPE, cookie: f.seller.cookie },
        body: editBody,
        expected: [404],
      },
      {
        name: `edit ticket ${label} without a session`,
        method: 'PUT',
        path: `/api/tickets/${id}`,
        headers: JSON_TYPE,
        body: editBody,
        expected: anonymous,
      },
      {
        name: `show order ${label}`,
        method: 'GET',
        path: `/api/orders/${id}`,
        headers: { cookie: f.buyer.cookie },
        expected: [404],
      },
      { name: `show order ${label} without a session`, method: 'GET', path: `/api/orders/${id}`, expected: anonymous },
      {
        name: `cancel order ${label}`,
        method: 'DELETE',
        path: `/api/orders/${id}`,
        headers: { cookie: f.buyer.cookie },
        expected: [404],
      },
      {
        name: `cancel order ${label} without a session`,
        method: 'DELETE',
        path: `/api/orders/${id}`,
        expected: anonymous,
      },
    );
  }
  // The open order and the held ticket with sessions that are not the buyer's.
  for (const forged of forgedSessions(f.signingKey, f.buyer)) {
    cases.push(
      {
        name: `cancel the open order, forged (${forged.name})`,
        method: 'DELETE',
        path: `/api/orders/${f.openOrderId}`,
        headers: { cookie: forged.cookie },
        expected: [401],
      },
      {
        name: `show the open order, forged (${forged.name})`,
        method: 'GET',
        path: `/api/orders/${f.openOrderId}`,
        headers: { cookie: forged.cookie },
        expected: [401],
      },
      {
        name: `list orders, forged (${forged.name})`,
        method: 'GET',
        path: '/api/orders',
        headers: { cookie: forged.cookie },
        expected: [401],
      },
      {
        name: `my tickets, forged (${forged.name})`,
        method: 'GET',
        path: '/api/tickets/mine',
        headers: { cookie: forged.cookie },
        expected: [401],
      },
      {
        name: `current user, forged (${forged.name})`,
        method: 'GET',
        path: '/api/users/currentuser',
        headers: { cookie: forged.cookie },
        expected: [200],
        check: (body) => (body?.currentUser === null ? undefined : `signed in as ${JSON.stringify(body?.currentUser)}`),
      },
      {
        name: `sign out, forged (${forged.name})`,
        method: 'POST',
        path: '/api/users/signout',
        headers: { cookie: forged.cookie },
        expected: [204],
      },
    );
  }
  const ghost = ghostSession(f.signingKey);
  const empty = (key: string) => (body: any) =>
    Array.isArray(body?.[key]) && body[key].length === 0 ? undefined : `not empty`;
  cases.push(
    {
      name: "withdraw the seller's ticket as the buyer",
      method: 'DELETE',
      path: `/api/tickets/${f.availableTicketId}`,
      headers: { cookie: f.buyer.cookie },
      expected: [403],
    },
    {
      name: 'cancel the open order as a user that does not exist',
      method: 'DELETE',
      path: `/api/orders/${f.openOrderId}`,
      headers: { cookie: ghost },
      expected: [404],
    },
    {
      name: 'show the open order as a user that does not exist',
      method: 'GET',
      path: `/api/orders/${f.openOrderId}`,
      headers: { cookie: ghost },
      expected: [404],
    },
    // Acceptable: a correctly signed session is trusted until it expires (stateless, docs/decisions.md).
    {
      name: 'list orders as a user that does not exist',
      method: 'GET',
      path: '/api/orders',
      headers: { cookie: ghost },
      expected: [200],
      check: empty('orders'),
    },
    {
      name: 'my tickets as a user that does not exist',
      method: 'GET',
      path: '/api/tickets/mine',
      headers: { cookie: ghost },
      expected: [200],
      check: empty('tickets'),
    },
    {
      name: 'current user that does not exist',
      method: 'GET',
      path: '/api/users/currentuser',
      headers: { cookie: ghost },
      expected: [200],
    },
  );
  // Routes and methods that do not exist.
  for (const [method, path] of [
    ['PATCH', `/api/tickets/${f.availableTicketId}`],
    ['POST', `/api/tickets/${f.availableTicketId}`],
    ['PUT', `/api/orders/${f.openOrderId}`],
    ['GET', '/api/tickets/mine/extra'],
    ['GET', '/api/users'],
    ['GET', '/api/users/admin'],
    ['GET', '/api/payments'],
    ['GET', `/api/payments/${f.openOrderId}`],
    ['DELETE', '/api/payments'],
    ['GET', '/api/orders/../users/currentuser'],
    ['GET', '/api/tickets/../../etc/passwd'],
  ]) {
    cases.push({
      name: `no such route ${method} ${path}`,
      method,
      path,
      headers: { cookie: f.buyer.cookie },
      expected: [404],
    });
  }
  // Sign-out takes no body: any well-formed one is ignored, but the body rules still apply.
  cases.push(
    {
      name: 'sign out with a JSON body',
      method: 'POST',
      path: '/api/users/signout',
      headers: JSON_TYPE,
      body: '{"all":true}',
      expected: [204],
    },
    {
      name: 'sign out with malformed JSON',
      method: 'POST',
      path: '/api/users/signout',
      headers: JSON_TYPE,
      body: '{',
      expected: [400],
    },
    {
      name: 'sign out with a text body',
      method: 'POST',
      path: '/api/users/signout',
      headers: { 'content-type': 'text/plain' },
      body: 'bye',
      expected: [415],
    },
    {
      name: 'sign out with a huge body',
      method: 'POST',
      path: '/api/users/signout',
      headers: JSON_TYPE,
      body: JSON.stringify({ x: long(50_000) }),
      expected: [413],
    },
  );
  return cases;
}

/**
 * The seller's payout routes (issue 17): every forged session is signed out; a ghost sees only its own
 * nothing; bodies and content types follow the body rules; methods the routes do not have are 404. No
 * case may create a payout account (the database snapshot would show it).
 */
function casesForPayouts(f: Fixtures): HostileCase[] {
  const account = '/api/payments/payout-account';
  const onboarding = `${account}/sandbox-onboarding`;
  const earnings = '/api/payments/earnings';
  const routes: [string, string][] = [
    ['GET', account],
    ['POST', account],
    ['POST', onboarding],
    ['GET', earnings],
  ];
  const cases: HostileCase[] = [];
  const post = (method: string) => (method === 'POST' ? { body: '{}' } : {});
  for (const [method, path] of routes) {
    cases.push({
      name: `${method} ${path} without a session`,
      method,
      path,
      headers: JSON_TYPE,
      ...post(method),
      expected: [401],
    });
    for (const forged of forgedSessions(f.signingKey, f.seller)) {
      cases.push({
        name: `${method} ${path}, forged (${forged.name})`,
        method,
        path,
        headers: { ...JSON_TYPE, cookie: forged.cookie },
        ...post(method),
        expected: [401],
      });
    }
  }
  const ghost = ghostSession(f.signingKey);
  const seller = { ...JSON_TYPE, cookie: f.seller.cookie };
  cases.push(
    {
      name: 'payout account status as a user that does not exist',
      method: 'GET',
      path: account,
      headers: { cookie: ghost },
      expected: [200],
      check: (body) => (body?.status === 'none' ? undefined : `status ${JSON.stringify(body?.status)}`),
    },
    {
      name: 'earnings as a user that does not exist',
      method: 'GET',
      path: earnings,
      headers: { cookie: ghost },
      expected: [200],
      check: (body) => (Array.isArray(body?.earnings) && body.earnings.length === 0 ? undefined : 'not empty'),
    },
    {
      name: 'sandbox onboarding as a user that does not exist',
      method: 'POST',
      path: onboarding,
      headers: { ...JSON_TYPE, cookie: ghost },
      body: '{}',
      expected: [404],
    },
    // The fixture seller has no payout account, and the stack runs real Stripe (the fake): 404 either way.
    {
      name: 'sandbox onboarding without an account',
      method: 'POST',
      path: onboarding,
      headers: seller,
      body: '{}',
      expected: [404],
    },
  );
  // Bodies the body rules refuse before the route runs: no account is created.
  for (const path of [account, onboarding]) {
    for (const body of malformedJson) {
      cases.push({
        name: `${path} malformed JSON ${JSON.stringify(body).slice(0, 30)}`,
        method: 'POST',
        path,
        headers: seller,
        body,
        expected: [400],
      });
    }
    for (const type of nonJsonTypes) {
      cases.push({
        name: `${path} content-type ${type}`,
        method: 'POST',
        path,
        headers: { 'content-type': type, cookie: f.seller.cookie },
        body: '{}',
        expected: [415],
      });
    }
    cases.push({
      name: `${path} 50 kB body`,
      method: 'POST',
      path,
      headers: seller,
      body: JSON.stringify({ x: long(50_000) }),
      expected: [413],
    });
  }
  // Methods and paths the routes do not have.
  for (const [method, path] of [
    ['PUT', account],
    ['PATCH', account],
    ['DELETE', account],
    ['GET', onboarding],
    ['PUT', onboarding],
    ['DELETE', onboarding],
    ['POST', earnings],
    ['DELETE', earnings],
    ['GET', `${earnings}/${f.openOrderId}`],
    ['GET', `${account}/${f.seller.id}`],
    ['GET', `${earnings}/../payout-account/../../users/currentuser`],
  ]) {
    cases.push({
      name: `no such route ${method} ${path}`,
      method,
      path,
      headers: seller,
      ...post(method),
      expected: [404],
    });
  }
  return cases;
}

function casesForListQuery(f: Fixtures): HostileCase[] {
  const noFixture = (body: any) => {
    const found = (body?.tickets ?? []).filter((t: { title: string }) => f.fixtureTitles.includes(t.title));
    return Array.isArray(body?.tickets)
      ? found.length
        ? `found ${found.length} fixture tickets`
        : undefined
      : 'no tickets';
  };
  const garbageCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const bad: [string, number[]][] = [
    ...[
      '-1',
      '0',
      '101',
      '1e9',
      '1e2',
      '1000000000000',
      'abc',
      '',
      '%20',
      '5.5',
      '0x10',
      '-0',
      'NaN',
      'Infinity',
      '99999999999999999999',
    ].map((v): [string, number[]] => [`limit=${v}`, [400]]),
    ['limit=5&limit=6', [400]],
    ['limit[]=5', [200]],
    ['cursor=garbage', [400]],
    ['cursor=', [400]],
    ['cursor=%00', [400]],
    [`cursor=${long(5000)}`, [400]],
    ['cursor=a&cursor=b', [400]],
    [`cursor=${garbageCursor([1e20, randomUUID()])}`, [400]],
    [`cursor=${garbageCursor([-1, randomUUID()])}`, [400]],
    [`cursor=${garbageCursor([1, "' OR '1'='1"])}`, [400]],
    [`cursor=${garbageCursor({ createdAtMicros: 1, id: randomUUID() })}`, [400]],
    [`cursor=${garbageCursor(null)}`, [400]],
    [`cursor=${garbageCursor([1.5, randomUUID()])}`, [400]],
    ['q=a&q=b', [400]],
    [`q=${long(201)}`, [400]],
    [`q=${long(10_000)}`, [400]],
    ['q=%00', [400]],
    ['q=jazz%00', [400]],
    ['q=%07', [400]],
  ];
  // Acceptable, and a search that must match literally (no SQL, no LIKE wildcards): finds no fixture.
  const searches = [
    'q=%27%20OR%20%271%27%3D%271',
    'q=%25',
    'q=_',
    'q=%5C',
    'q=%25%25%25%25',
    'q=%FF',
    'q=%E0%A4%A',
    `${'x=1&'.repeat(500)}q=zz`,
  ];
  // Acceptable: parameters the route does not know, or an empty search, are ignored.
  const ignored = [
    'q[]=a&q[]=b',
    'q[0]=a',
    'q=',
    'q=%20%20',
    'q=%0A',
    'limit=100',
    'limit=1',
    'foo=bar',
    '__proto__=x',
    'constructor[prototype][x]=1',
    '__proto__[polluted]=1',
  ];
  const list = (query: string, expected: number[], check?: HostileCase['check']): HostileCase => ({
    name: `list ?${query.slice(0, 50)}`,
    method: 'GET',
    path: `/api/tickets?${query}`,
    expected,
    check,
  });
  return [
    ...bad.map(([query, expected]) => list(query, expected)),
    ...searches.map((query) => list(query, [200], noFixture)),
    ...ignored.map((query) => list(query, [200])),
  ];
}

/** Stripe's signature header for a payload: `t=<seconds>,v1=<HMAC-SHA256 of "t.payload">`. */
export const stripeSignature = (payload: string, secret: string, at = Math.floor(Date.now() / 1000)) =>
  `t=${at},v1=${createHmac('sha256', secret).update(`${at}.${payload}`).digest('hex')}`;

function casesForWebhook(f: Fixtures): HostileCase[] {
  const event = JSON.stringify({
    id: `evt_${randomUUID()}`,
    type: 'payment_intent.succeeded',
    data: { object: { id: 'pi_forged', amount: 1, currency: 'usd', metadata: { orderId: f.openOrderId } } },
  });
  const path = '/api/payments/webhook';
  const hours = (n: number) => Math.floor(Date.now() / 1000) - n * 3600;
  const signed: [string, string | undefined, string, Record<string, string>?][] = [
    ['no signature', undefined, event],
    ['empty signature', '', event],
    ['garbage signature', 'garbage', event],
    ['signature without v1', `t=${hours(0)}`, event],
    ['signed with another secret', stripeSignature(event, 'whsec_not_the_secret'), event],
    ['signed an hour ago', stripeSignature(event, f.webhookSecret, hours(1)), event],
    ['signature of another payload', stripeSignature('{}', f.webhookSecret), event],
    ['v0 scheme only', `t=${hours(0)},v0=${'0'.repeat(64)}`, event],
    ['10k character signature', `t=${hours(0)},v1=${long(10_000)}`, event],
    ['valid signature, text/plain', stripeSignature(event, f.webhookSecret), event, { 'content-type': 'text/plain' }],
    ['signed, not JSON', stripeSignature('not json', f.webhookSecret), 'not json'],
    ['signed, JSON but not an event', stripeSignature('[]', f.webhookSecret), '[]'],
  ];
  const cases: HostileCase[] = signed.map(([name, signature, body, headers]) => ({
    name: `webhook: ${name}`,
    method: 'POST',
    path,
    headers: { ...JSON_TYPE, ...(signature === undefined ? {} : { 'stripe-signature': signature }), ...headers },
    body,
    expected: [400],
  }));
  cases.push(
    {
      name: 'webhook: 1.1 MB body',
      method: 'POST',
      path,
      headers: { ...JSON_TYPE, 'stripe-signature': 'x' },
      body: long(1_100_000),
      expected: [413],
    },
    {
      name: 'webhook: invalid UTF-8',
      method: 'POST',
      path,
      headers: { ...JSON_TYPE, 'stripe-signature': 'x' },
      body: Buffer.from([0x7b, 0xff, 0x7d]),
      expected: [400],
    },
    {
      name: 'webhook: session cookie instead of a signature',
      method: 'POST',
      path,
      headers: { ...JSON_TYPE, cookie: f.buyer.cookie },
      body: event,
      expected: [400],
    },
  );
  return cases;
}

/** Every deterministic hostile case for every route of DESIGN.md's HTTP API. */
export function hostileCases(f: Fixtures): HostileCase[] {
  return [
    ...bodyRoutes(f).flatMap((route) => casesForBodyRoute(route, f)),
    ...casesForPathRoutes(f),
    ...casesForListQuery(f),
    ...casesForWebhook(f),
    ...casesForPayouts(f),
  ];
}

/** A small seeded generator, so a failing fuzz case can be reproduced. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random bodies for the routes that write: each corrupts at least one required field with a value of
 * the wrong type (so none can be valid), adds random extra and pollution keys, and sometimes uses a
 * forged session.
 */
export function fuzzCases(f: Fixtures, count: number, seed = 8): HostileCase[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const randomString = () =>
    Array.from({ length: Math.floor(random() * 40) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join(
      '',
    );
  const randomValue = (depth = 0): unknown => {
    const kind = Math.floor(random() * (depth > 2 ? 5 : 7));
    if (kind === 0) return null;
    if (kind === 1) return random() < 0.5;
    if (kind === 2) return (random() - 0.5) * 10 ** Math.floor(random() * 12);
    if (kind === 3) return randomString();
    if (kind === 4) return pick([0, -1, 1e308, -1e308, 5e-324, 0.001]);
    if (kind === 5) return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(depth + 1));
    return Object.fromEntries(
      Array.from({ length: Math.floor(random() * 4) }, () => [randomString(), randomValue(depth + 1)]),
    );
  };
  // A value that cannot be valid for the field's type.
  const wrongFor = (expectsString: boolean): unknown => {
    for (;;) {
      const value = randomValue();
      if (expectsString ? typeof value !== 'string' : typeof value !== 'number') return value;
    }
  };
  const extraKeys = [
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'valueOf',
    'hasOwnProperty',
    'id',
    'userId',
    'status',
    'version',
    'admin',
  ];
  const routes = bodyRoutes(f);
  const cases: HostileCase[] = [];
  for (let i = 0; i < count; i += 1) {
    const route = pick(routes);
    const body: Record<string, unknown> = route.base();
    const fields = Object.keys(route.fields);
    const corrupt = fields.filter((_field, index) => index === 0 || random() < 0.5);
    for (const field of corrupt) {
      if (random() < 0.2) delete body[field];
      else body[field] = wrongFor(typeof body[field] === 'string');
    }
    const extras = Math.floor(random() * 3);
    for (let e = 0; e < extras; e += 1) body[pick(extraKeys)] = randomValue();
    const text = JSON.stringify(body);
    const identities: (Identity | undefined)[] = route.owner
      ? [undefined, ...forgedSessions(f.signingKey, route.owner)]
      : [undefined];
    const forged = random() < 0.25 ? pick(identities) : undefined;
    const cookie = route.owner ? (forged ? forged.cookie : route.owner.cookie) : undefined;
    cases.push({
      name: `fuzz #${i} ${route.name}${forged ? ` forged (${forged.name})` : ''}: ${text.slice(0, 80)}`,
      method: route.method,
      path: route.path,
      headers: { ...JSON_TYPE, ...(cookie ? { cookie } : {}) },
      body: text,
      expected: forged ? [401] : route.name === 'pay' ? [400, 404] : [400],
    });
  }
  return cases;
}
