// An OpenID4VCI 1.0 issuer and authorization server built on the
// @openid4vc/openid4vci and @openid4vc/oauth2 libraries (the issuer side the
// Credo framework uses), for Satchel's receive tests (tests/receive.rs). The
// libraries make the offers, the metadata, the token and nonce answers and
// the credential answer, and they parse and verify what the wallet sends:
// the token request (pre-authorized code, transaction code), the access
// token on the credential request, the credential request itself and its
// `openid4vci-proof+jwt` key proof (nonce, audience, signature by the DID the
// `kid` names). This file only stores state and signs: Open Badges 3.0
// credentials as `jwt_vc_json` (a VC-JWT, EdDSA) or `ldp_vc` (eddsa-rdfc-2022
// with @digitalbazaar/vc), issued to the DID the key proof was made by.
//
// Usage: node oid4vci-issuer.mjs --cert CERT.pem --key KEY.pem --host HOST
// Prints {"port": N, "issuer": DID, "offers": {NAME: {"link", "tx_code"}}} on
// its first stdout line, then one JSON line per event for the test to read.
// Offers (each single use, as issuers make them):
// - jwt-by-uri: one jwt_vc_json credential, the offer fetched from a URI;
// - ldp-by-value-tx: one ldp_vc credential, the offer in the link, a
//   6-digit transaction code;
// - both-by-uri-tx: both credentials in one offer, by URI, with a code.
import {createHash, createPublicKey, randomBytes, randomUUID, verify as verifySig} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:https';

import {
  clientAuthenticationNone, Oauth2AuthorizationServer, Oauth2ResourceServer,
  preAuthorizedCodeGrantIdentifier, SupportedAuthenticationScheme
} from '@openid4vc/oauth2';
import {Openid4vciIssuer, Openid4vciVersion} from '@openid4vc/openid4vci';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';

import {ob3Credential} from './credential.mjs';
import {documentLoader} from './offline.mjs';

const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const host = option('--host');
if(!host || !option('--cert') || !option('--key')) {
  console.error('usage: node oid4vci-issuer.mjs --cert CERT.pem --key KEY.pem --host HOST');
  process.exit(2);
}
const base = `https://${host}`;
const event = e => console.log(JSON.stringify(e));

// ---------------------------------------------------------------- keys

const b64url = bytes => Buffer.from(bytes).toString('base64url');

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58Decode(text) {
  let n = 0n;
  for(const c of text) {
    const d = B58.indexOf(c);
    if(d < 0) {
      throw new Error('not base58');
    }
    n = n * 58n + BigInt(d);
  }
  const bytes = [];
  while(n > 0n) {
    bytes.unshift(Number(n % 256n));
    n /= 256n;
  }
  for(const c of text) {
    if(c !== '1') {
      break;
    }
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

/** The Ed25519 public JWK of a did:key DID URL (z6Mk…, multicodec 0xed01). */
function jwkOfDidKey(didUrl) {
  const id = didUrl.replace(/^did:key:/, '').split('#')[0];
  const raw = id.startsWith('z') ? base58Decode(id.slice(1)) : new Uint8Array();
  if(raw.length !== 34 || raw[0] !== 0xed || raw[1] !== 0x01) {
    throw new Error(`not an Ed25519 did:key: ${didUrl}`);
  }
  return {kty: 'OKP', crv: 'Ed25519', x: b64url(raw.slice(2))};
}

// A fresh issuer key each run; its did:key names the issuer and signs the
// access tokens and credentials.
const issuerKey = await Ed25519Multikey.generate();
const issuerDid = `did:key:${issuerKey.publicKeyMultibase}`;
issuerKey.controller = issuerDid;
issuerKey.id = `${issuerDid}#${issuerKey.publicKeyMultibase}`;
const issuerJwk = jwkOfDidKey(issuerDid);

async function signCompact(header, payload) {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = await issuerKey.signer().sign({data: new TextEncoder().encode(input)});
  return `${input}.${b64url(signature)}`;
}

// ---------------------------------------------------------------- callbacks

const callbacks = {
  hash: data => new Uint8Array(createHash('sha256').update(data).digest()),
  generateRandom: n => new Uint8Array(randomBytes(n)),
  clientAuthentication: clientAuthenticationNone(),
  async signJwt(signer, {header, payload}) {
    if(signer.method !== 'jwk' || signer.publicJwk.x !== issuerJwk.x) {
      throw new Error('this issuer signs only with its own key');
    }
    return {jwt: await signCompact(header, payload), signerJwk: issuerJwk};
  },
  async verifyJwt(signer, {compact}) {
    let jwk;
    if(signer.method === 'did') {
      jwk = jwkOfDidKey(signer.didUrl);
    } else if(signer.method === 'jwk') {
      jwk = signer.publicJwk;
    } else {
      return {verified: false};
    }
    if(jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || signer.alg !== 'EdDSA') {
      return {verified: false};
    }
    const [h, p, s] = compact.split('.');
    const ok = verifySig(null, Buffer.from(`${h}.${p}`), createPublicKey({key: jwk, format: 'jwk'}),
      Buffer.from(s, 'base64url'));
    return ok ? {verified: true, signerJwk: jwk} : {verified: false, signerJwk: jwk};
  },
  // The only document the libraries fetch is this server's own key set (to
  // check the access tokens it issued); nothing goes to the network.
  async fetch(url) {
    if(String(url) === `${base}/jwks.json`) {
      return new Response(JSON.stringify({keys: [issuerJwk]}),
        {headers: {'Content-Type': 'application/jwk-set+json'}});
    }
    throw new Error(`refusing to fetch ${url}`);
  }
};

const issuer = new Openid4vciIssuer({callbacks});
const authorizationServer = new Oauth2AuthorizationServer({callbacks});
const resourceServer = new Oauth2ResourceServer({callbacks});

// ---------------------------------------------------------------- metadata

const OB3 = ['VerifiableCredential', 'OpenBadgeCredential'];
const CONTEXTS = ['https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'];
const binding = {
  cryptographic_binding_methods_supported: ['did:key'],
  credential_signing_alg_values_supported: ['EdDSA'],
  proof_types_supported: {jwt: {proof_signing_alg_values_supported: ['EdDSA']}}
};
const configurations = {
  OpenBadge_jwt: {format: 'jwt_vc_json', credential_definition: {type: OB3}, ...binding,
    credential_metadata: {display: [{name: 'Open Badge (JWT)'}]}},
  OpenBadge_ldp: {format: 'ldp_vc', credential_definition: {'@context': CONTEXTS, type: OB3},
    ...binding, credential_metadata: {display: [{name: 'Open Badge (Data Integrity)'}]}}
};
const authorizationServerMetadata = authorizationServer.createAuthorizationServerMetadata({
  issuer: base,
  token_endpoint: `${base}/token`,
  jwks_uri: `${base}/jwks.json`,
  grant_types_supported: [preAuthorizedCodeGrantIdentifier],
  'pre-authorized_grant_anonymous_access_supported': true
});
const credentialIssuer = issuer.createCredentialIssuerMetadata({
  credential_issuer: base,
  credential_endpoint: `${base}/credential`,
  nonce_endpoint: `${base}/nonce`,
  display: [{name: 'OID4VC Test Institute'}],
  credential_configurations_supported: configurations
});
const issuerMetadata = {
  credentialIssuer,
  authorizationServers: [authorizationServerMetadata],
  originalDraftVersion: Openid4vciVersion.V1,
  knownCredentialConfigurations: configurations
};

// ---------------------------------------------------------------- state

/** Pre-authorized code → {txCode, ids, used}. */
const grants = new Map();
/** Offer URI path → offer object, removed once fetched (single use). */
const offersByUri = new Map();
/** Nonces handed out and not yet used. */
const nonces = new Set();

async function makeOffer(name, ids, {byUri, txCode}) {
  const code = randomUUID();
  grants.set(code, {txCode, ids, used: false});
  const grant = {'pre-authorized_code': code};
  if(txCode) {
    grant.tx_code = {length: txCode.length, input_mode: 'numeric',
      description: 'The code in the email we sent you'};
  }
  const path = `/offers/${randomUUID()}`;
  const made = await issuer.createCredentialOffer({
    issuerMetadata,
    credentialConfigurationIds: ids,
    grants: {[preAuthorizedCodeGrantIdentifier]: grant},
    ...(byUri ? {credentialOfferUri: `${base}${path}`} : {})
  });
  if(byUri) {
    offersByUri.set(path, made.credentialOfferObject);
  }
  return [name, {link: made.credentialOffer, tx_code: txCode || null}];
}

const offers = Object.fromEntries(await Promise.all([
  makeOffer('jwt-by-uri', ['OpenBadge_jwt'], {byUri: true}),
  makeOffer('ldp-by-value-tx', ['OpenBadge_ldp'], {byUri: false, txCode: '493536'}),
  makeOffer('both-by-uri-tx', ['OpenBadge_jwt', 'OpenBadge_ldp'], {byUri: true, txCode: '271828'})
]));

// ---------------------------------------------------------------- issuing

const isoSeconds = date => date.toISOString().replace(/\.\d+Z$/, 'Z');

async function credentialFor(format, subject) {
  const credential = ob3Credential({
    issuerDid, host, subject, name: format === 'jwt_vc_json' ? 'OID4VCI JWT Badge' : 'OID4VCI LDP Badge',
    description: 'Issued over OpenID4VCI by @openid4vc/openid4vci.', issuerName: 'OID4VC Test Institute',
    validFrom: isoSeconds(new Date(Date.now() - 60e3))
  });
  if(format === 'ldp_vc') {
    const suite = new DataIntegrityProof({signer: issuerKey.signer(), cryptosuite: eddsaRdfc2022});
    return vc.issue({credential, suite, documentLoader});
  }
  const nbf = Math.floor(Date.parse(credential.validFrom) / 1000);
  return signCompact({alg: 'EdDSA', typ: 'JWT', kid: issuerKey.id},
    {iss: issuerDid, sub: subject, jti: credential.id, nbf, vc: credential});
}

// ---------------------------------------------------------------- endpoints

const requestLike = (req, url) => ({method: req.method, url: url.href, headers: new Headers(
  Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]))});

/** An OAuth error from the libraries as its HTTP answer (or null). */
function oauthError(e) {
  const response = e?.errorResponse;
  return response ? [e.status || 400, response] : null;
}

async function token(req, url, text) {
  const form = Object.fromEntries(new URLSearchParams(text));
  const request = requestLike(req, url);
  const parsed = authorizationServer.parseAccessTokenRequest({accessTokenRequest: form, request});
  const code = parsed.grant.preAuthorizedCode;
  const grant = grants.get(code);
  if(!grant || grant.used) {
    event({event: 'token', ok: false, reason: grant ? 'used' : 'unknown code'});
    return [400, {error: 'invalid_grant', error_description: 'the pre-authorized code is unknown or used'}];
  }
  try {
    await authorizationServer.verifyPreAuthorizedCodeAccessTokenRequest({
      authorizationServerMetadata, grant: parsed.grant, accessTokenRequest: parsed.accessTokenRequest,
      request, expectedPreAuthorizedCode: code, expectedTxCode: grant.txCode,
      dpop: {required: false}, clientAttestation: {required: false}
    });
  } catch(e) {
    event({event: 'token', ok: false, reason: e.message});
    return oauthError(e) || [400, {error: 'invalid_grant', error_description: e.message}];
  }
  grant.used = true;
  event({event: 'token', ok: true, tx_code: parsed.grant.txCode ?? null});
  const answer = await authorizationServer.createAccessTokenResponse({
    audience: base, authorizationServer: base, subject: code, expiresInSeconds: 300,
    signer: {method: 'jwk', alg: 'EdDSA', publicJwk: issuerJwk}
  });
  return [200, answer];
}

async function credential(req, url, body) {
  const {tokenPayload} = await resourceServer.verifyResourceRequest({
    request: requestLike(req, url), resourceServer: base,
    authorizationServers: [authorizationServerMetadata],
    allowedAuthenticationSchemes: [SupportedAuthenticationScheme.Bearer]
  });
  const grant = grants.get(tokenPayload.sub);
  const parsed = issuer.parseCredentialRequest({issuerMetadata, credentialRequest: body});
  const id = parsed.credentialConfigurationId;
  if(!grant || !grant.ids.includes(id)) {
    return [400, {error: 'invalid_credential_request', error_description: `${id} was not offered`}];
  }
  const jwt = parsed.proofs?.jwt?.[0];
  if(!jwt) {
    return [400, {error: 'invalid_proof', error_description: 'no jwt proof'}];
  }
  const nonce = JSON.parse(Buffer.from(jwt.split('.')[1] || '', 'base64url').toString() || '{}').nonce;
  if(!nonces.delete(nonce)) {
    return [400, {error: 'invalid_nonce', error_description: 'unknown or used c_nonce'}];
  }
  const proof = await issuer.verifyCredentialRequestJwtProof({
    issuerMetadata, jwt, expectedNonce: nonce, credentialConfigurationId: id
  });
  const holder = proof.signer.didUrl.split('#')[0];
  const format = configurations[id].format;
  const issued = await credentialFor(format, holder);
  // The bytes of the credential as they go out (JSON.stringify of the
  // answer writes it as JSON.stringify of the credential, or the token).
  const bytes = typeof issued === 'string' ? issued : JSON.stringify(issued);
  event({event: 'credential', configuration: id, format, holder, proof: proof.header.typ,
    sha256: createHash('sha256').update(bytes).digest('hex')});
  const credentialResponse = issuer.createCredentialResponse({
    credentialRequest: parsed, credentials: [{credential: issued}]
  });
  return [200, credentialResponse];
}

async function handle(req, text) {
  const url = new URL(req.url, base);
  const path = url.pathname;
  if(req.method === 'GET' && path === '/.well-known/openid-credential-issuer') {
    return [200, credentialIssuer];
  }
  if(req.method === 'GET' && path === '/.well-known/oauth-authorization-server') {
    return [200, authorizationServerMetadata];
  }
  if(req.method === 'GET' && path === '/jwks.json') {
    return [200, {keys: [issuerJwk]}];
  }
  if(req.method === 'GET' && offersByUri.has(path)) {
    const offer = offersByUri.get(path);
    offersByUri.delete(path);
    event({event: 'offer', path});
    return [200, offer];
  }
  if(req.method === 'POST' && path === '/token') {
    return token(req, url, text);
  }
  if(req.method === 'POST' && path === '/nonce') {
    const cNonce = randomUUID();
    nonces.add(cNonce);
    return [200, issuer.createNonceResponse({cNonce})];
  }
  if(req.method === 'POST' && path === '/credential') {
    return credential(req, url, text ? JSON.parse(text) : {});
  }
  return [404, {error: 'not found'}];
}

const server = createServer({
  cert: readFileSync(option('--cert')), key: readFileSync(option('--key'))
}, (req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', async () => {
    let status, answer;
    try {
      [status, answer] = await handle(req, Buffer.concat(chunks).toString('utf8'));
    } catch(e) {
      event({event: 'error', path: req.url, error: String(e?.message || e)});
      [status, answer] = oauthError(e) || [500, {error: 'server_error', error_description: String(e?.message || e)}];
    }
    res.writeHead(status, {'Content-Type': 'application/json', 'Cache-Control': 'no-store'});
    res.end(JSON.stringify(answer));
  });
});
server.listen(0, '127.0.0.1', () => {
  event({port: server.address().port, issuer: issuerDid, offers});
});
