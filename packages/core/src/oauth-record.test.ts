import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { OAuthCredential } from './credential.js';
import { freshCredential } from './oauth-refresh.js';
import { decodeCredential, encodeCredential } from './rattler.js';
import { MemoryStore } from './store.js';

/** rattler's OAuth record keeps the members this library does not model, through decode, refresh and encode. */

const record = (fields: string, endpoint = 'https://issuer.example/token', expiresAt = 'null') =>
  `{"OAuth":{"access_token":"at-1","refresh_token":"rt-1","expires_at":${expiresAt},"token_endpoint":"${endpoint}","revocation_endpoint":null,"client_id":"rattler"${fields}}}`;

const NEWER = ',"issuer_url":"https://issuer.example","scopes":["openid","offline_access"],"oidc":{"requested_scopes":["openid"],"id_token_verified":true},"note":"grüße ✓ 𝄞","z":[1,2.5,-3e7,null,{}]';

describe("unmodelled members of rattler's OAuth record", () => {
  it('come back byte for byte, in their order, values of every JSON kind and raw UTF-8', () => {
    const raw = record(NEWER);
    const decoded = decodeCredential(raw) as OAuthCredential;
    expect(decoded).toMatchObject({ type: 'oauth', accessToken: 'at-1', clientId: 'rattler' });
    expect(encodeCredential(decoded)).toBe(raw);
    // Edited by a spread (as stores and refresh do), the record still carries them.
    expect(encodeCredential({ ...decoded, accessToken: 'at-2' })).toBe(raw.replace('at-1', 'at-2'));
  });

  it('a record without them is written as before (legacy rattler)', () => {
    const raw = record('');
    const decoded = decodeCredential(raw);
    expect('extraFields' in decoded).toBe(false);
    expect(encodeCredential(decoded)).toBe(raw);
  });

  it('are not shown by util.inspect (they may hold more than metadata)', () => {
    expect(inspect(decodeCredential(record(',"id_token":"eyJ-secret-id-token"')))).not.toContain('eyJ-secret-id-token');
  });

  it('text that is not JSON object members is refused at encode, never written', () => {
    const broken = { ...(decodeCredential(record('')) as OAuthCredential), extraFields: '"a":1}, "b":{' };
    expect(() => encodeCredential(broken)).toThrow(/extra fields are not JSON object members/);
  });

  it('survive a refresh: the stored record has new tokens and the same extra members', async () => {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'at-new', refresh_token: 'rt-new', expires_in: 3600, token_type: 'Bearer' }));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
      const credential = decodeCredential(record(NEWER, endpoint, '1'));
      const store = new MemoryStore([['issuer.example', credential]]);
      await freshCredential({ key: 'issuer.example', store, credential });
      const written = encodeCredential((await store.get('issuer.example')) as OAuthCredential);
      expect(written).toMatch(/^\{"OAuth":\{"access_token":"at-new","refresh_token":"rt-new","expires_at":\d+,/);
      expect(written.endsWith(`"client_id":"rattler"${NEWER}}}`)).toBe(true);
    } finally {
      server.close();
    }
  });
});
