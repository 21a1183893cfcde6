// A real OpenID Provider for Samskab's tests: panva's oidc-provider (OpenID Certified), on
// 127.0.0.1, with its development login and consent pages. Started by tests/oidc/fixtures.py:
//   node server.js CONFIG.json
// CONFIG: {"port": N, "issuer": "http://127.0.0.1:N", "clients": [...], "accounts": "FILE"}.
// FILE maps a login name to that person's claims; it is read at every login, so a test can
// change a person's groups at the provider between two logins.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const accounts = () => JSON.parse(readFileSync(config.accounts, 'utf8'));

const provider = new Provider(config.issuer, {
  clients: config.clients,
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

const server = provider.listen(config.port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${config.issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
