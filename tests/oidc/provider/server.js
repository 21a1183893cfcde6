// A real OpenID Provider for Samskab's tests: panva's oidc-provider (OpenID Certified), on
// 127.0.0.1, with its development login and consent pages. Started by tests/oidc/fixtures.py:
//   node server.js CONFIG.json
// CONFIG: {"port": N, "issuer": "http://127.0.0.1:N", "clients": [...], "accounts": "FILE"}.
// FILE maps a login name to that person's claims; it is read at every login, so a test can
// change a person's groups at the provider between two logins.
//
// Clients whose id ends in one of these get a deliberately broken ID token from /token, so the
// tests can show Samskab refusing it at the end of a real login:
//   -forged     the payload changed after signing (the signature no longer matches),
//   -wrongaud   properly signed, but for another audience,
//   -expired    properly signed, but expired ten minutes ago.
import { createSign, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = () => JSON.parse(readFileSync(config.accounts, 'utf8'));

// The provider's signing key, made here so the broken tokens can be signed with the real key.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: 'test-key', alg: 'RS256', use: 'sig' };

const b64 = (value) => Buffer.from(value).toString('base64url');
const fromB64 = (value) => JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
function sign(header, payload) {
  const input = `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}`;
  const signature = createSign('RSA-SHA256').update(input).sign(privateKey);
  return `${input}.${signature.toString('base64url')}`;
}
function broken(idToken, clientId) {
  const [header, payload, signature] = idToken.split('.');
  const claims = fromB64(payload);
  if (clientId.endsWith('-forged')) {
    return `${header}.${b64(JSON.stringify({ ...claims, sub: 'mallory' }))}.${signature}`;
  }
  if (clientId.endsWith('-wrongaud')) {
    return sign(fromB64(header), { ...claims, aud: 'another-client' });
  }
  if (clientId.endsWith('-expired')) {
    const now = Math.floor(Date.now() / 1000);
    return sign(fromB64(header), { ...claims, iat: now - 1200, exp: now - 600 });
  }
  return idToken;
}

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: { keys: [signingKey] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    // What a municipality's provider or a MitID broker sends; `cpr` is there so the tests can
    // show that Samskab throws it away.
    profile: ['name', 'groups', 'loa', 'department', 'job_level', 'cpr'],
  },
  scopes: ['openid', 'email', 'profile'],
  async findAccount(ctx, id) {
    const claims = accounts()[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
  cookies: { keys: ['samskab-test-provider-only'] },
  features: { devInteractions: { enabled: true } },
  ttl: {
    AuthorizationCode: 60,
    // A client whose id ends in "-shortlived" gets ID tokens that expire after one second, so
    // the tests can show an expired ID token refused.
    IdToken: (ctx, token, client) => (client.clientId.endsWith('-shortlived') ? 1 : 300),
    AccessToken: 300,
    Interaction: 300,
    Session: 600,
    Grant: 600,
  },
});
provider.proxy = false;
provider.use(async (ctx, next) => {
  await next();
  const clientId = ctx.oidc?.client?.clientId;
  if (ctx.path === '/token' && clientId && ctx.body && typeof ctx.body.id_token === 'string') {
    ctx.body = { ...ctx.body, id_token: broken(ctx.body.id_token, clientId) };
  }
});

const server = provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${config.issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
