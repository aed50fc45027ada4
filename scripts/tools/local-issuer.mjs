#!/usr/bin/env node
// A token issuer for local use of the admin API and page, in place of the Auth0 tenant or Entra ID a deployment
// trusts: OpenID discovery, a JWKS, and RS256 access tokens for whoever asks (it listens on loopback only).
//
//   node scripts/tools/local-issuer.mjs [--port 7075] [--key-file .stack/local-issuer.pem] [--audience crm-integration-admin]
//
//   curl -s -X POST http://127.0.0.1:7075/token -d role=writer -d name='Ada Admin'   → {"access_token": "…", …}
//   role: writer (read and change templates) | reader (read only) | operator (retention, erasure; reads) | none (signed in, no permission)
//
// Tokens carry the permission in Auth0's "permissions" claim. The signing key is kept in --key-file so that tokens
// stay valid across restarts of the local stack.
import { createServer } from 'node:http';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: '7075' },
    'key-file': { type: 'string', default: '.stack/local-issuer.pem' },
    audience: { type: 'string', default: 'crm-integration-admin' },
    'lifetime-seconds': { type: 'string', default: '28800' },
  },
});

const issuer = `http://127.0.0.1:${args.port}/`;
// An operator runs retention and erasure (and may read templates); it does not change templates.
const permissions = { writer: ['crm-templates:write'], reader: ['crm-templates:read'], operator: ['crm-operations:run'], none: [] };

function loadKey(file) {
  if (!existsSync(file)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  }
  return createPrivateKey(readFileSync(file));
}

const privateKey = loadKey(args['key-file']);
const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
const kid = Buffer.from(jwk.n.slice(0, 16)).toString('hex');
const base64url = (value) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function mint({ sub, name, role }) {
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: 'RS256', typ: 'JWT', kid };
  const claims = {
    iss: issuer, aud: args.audience, sub, iat: now, nbf: now, exp: now + Number(args['lifetime-seconds']), jti: randomUUID(),
    permissions: permissions[role],
    ...(name ? { name } : {}),
  };
  const unsigned = `${base64url(header)}.${base64url(claims)}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKey).toString('base64url')}`;
}

async function readForm(request) {
  let body = '';
  for await (const chunk of request) {
    body += chunk;
    if (body.length > 4096) throw new Error('body too large');
  }
  if ((request.headers['content-type'] ?? '').includes('json')) return body ? JSON.parse(body) : {};
  return Object.fromEntries(new URLSearchParams(body));
}

function json(response, status, value) {
  response.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  response.end(JSON.stringify(value));
}

const server = createServer(async (request, response) => {
  const path = new URL(request.url, issuer).pathname;
  try {
    if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
      return json(response, 200, { issuer, jwks_uri: `${issuer}.well-known/jwks.json`, token_endpoint: `${issuer}token`, id_token_signing_alg_values_supported: ['RS256'] });
    }
    if (request.method === 'GET' && path === '/.well-known/jwks.json') {
      return json(response, 200, { keys: [{ kty: 'RSA', use: 'sig', alg: 'RS256', kid, n: jwk.n, e: jwk.e }] });
    }
    if (request.method === 'POST' && path === '/token') {
      const form = await readForm(request);
      const role = form.role ?? 'writer';
      if (!(role in permissions)) return json(response, 400, { error: 'invalid_request', error_description: `role must be one of ${Object.keys(permissions).join(', ')}` });
      const sub = form.sub || `local|${role}`;
      return json(response, 200, { access_token: mint({ sub, name: form.name, role }), token_type: 'Bearer', expires_in: Number(args['lifetime-seconds']) });
    }
    return json(response, 404, { error: 'not_found' });
  } catch (error) {
    return json(response, 400, { error: 'invalid_request', error_description: error.message });
  }
});

server.listen(Number(args.port), '127.0.0.1', () => console.log(`local issuer on ${issuer} (audience ${args.audience})`));
