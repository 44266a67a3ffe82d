// A VC-API exchanger on the Digital Bazaar reference stack, for Satchel's
// receive and present tests (tests/receive.rs). It serves HTTPS on loopback
// with a certificate the test gives it, and plays both sides a learner meets:
//
// - an issuer: POST {} to /exchanges/issue-ID answers a DIDAuthentication
//   request (challenge, domain); the learner's signed presentation is checked
//   with @digitalbazaar/vc, then a freshly signed Open Badges 3.0 credential is
//   issued to the DID that authenticated, inside a presentation;
//   GET /interactions/ID (Accept: application/json) points at that exchange;
//   POST /request (the DCC request link: Bearer token = challenge, body = the
//   learner's presentation signed with that challenge) answers the credential;
// - a verifier: POST {} to /exchanges/verify-ID answers a QueryByExample for
//   OpenBadgeCredentials; the presentation sent back is verified, credentials
//   included, and the answer is a redirectUrl.
//
// Usage: node exchanger.mjs --cert CERT.pem --key KEY.pem --host HOST
// Prints {"port": N, "issuer": DID} on its first stdout line, then one JSON
// line per event ({"event": "verified", ...}) for the test to read.
import {randomUUID} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {createServer} from 'node:https';

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
  console.error('usage: node exchanger.mjs --cert CERT.pem --key KEY.pem --host HOST');
  process.exit(2);
}

// A fresh issuer key each run; its did:key names it.
const issuerKey = await Ed25519Multikey.generate();
const issuerDidFixed = `did:key:${issuerKey.publicKeyMultibase}`;
issuerKey.controller = issuerDidFixed;
issuerKey.id = `${issuerDidFixed}#${issuerKey.publicKeyMultibase}`;

const event = e => console.log(JSON.stringify(e));
const errors = e => e && (e.errors || [e]).map(x => x.message || String(x));

/** Verifies a presentation with the reference stack (credentials included). */
async function verifyPresentation(presentation, challenge, domain) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  const result = await vc.verify({presentation, challenge, domain, suite, documentLoader});
  const vm = presentation?.proof?.verificationMethod || '';
  const holderSigned = typeof presentation?.holder === 'string' &&
    vm.startsWith(`${presentation.holder}#`);
  return {
    verified: result.verified && holderSigned,
    holderSigned,
    credentials: (result.credentialResults || []).length,
    errors: errors(result.error) ||
      result.presentationResult?.results?.flatMap(r => errors(r.error) || []) || []
  };
}

/** A freshly signed OB 3.0 credential for `subject`. */
async function issueTo(subject, name) {
  const credential = ob3Credential({issuerDid: issuerDidFixed, host, subject, name,
    description: 'Issued through a VC-API exchange.'});
  const suite = new DataIntegrityProof({signer: issuerKey.signer(), cryptosuite: eddsaRdfc2022});
  return vc.issue({credential, suite, documentLoader});
}

const exchanges = new Map();

async function handle(req, body) {
  const url = new URL(req.url, `https://${host}`);
  const path = url.pathname;
  if(req.method === 'GET' && path.startsWith('/interactions/')) {
    const id = path.slice('/interactions/'.length);
    return [200, {protocols: {vcapi: `https://${host}/exchanges/issue-${id}`}}];
  }
  if(req.method === 'POST' && path === '/request') {
    const auth = req.headers.authorization || '';
    const challenge = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const result = await verifyPresentation(body, challenge, undefined);
    event({event: 'did-auth', exchange: 'request', ...result});
    if(!result.verified) {
      return [401, {error: 'DID authentication failed', details: result.errors}];
    }
    return [200, await issueTo(body.holder, 'Requested Credential')];
  }
  if(req.method === 'POST' && path.startsWith('/exchanges/')) {
    const id = path.slice('/exchanges/'.length);
    const verifier = id.startsWith('verify-');
    let state = exchanges.get(id);
    if(!body?.verifiablePresentation) {
      if(!state) {
        state = {challenge: randomUUID(), done: false};
        exchanges.set(id, state);
      }
      if(state.done) {
        return [200, {}];
      }
      const query = verifier ?
        [{type: 'QueryByExample', credentialQuery: [{
          reason: 'Show a badge to apply for the course.',
          example: {'@context': ['https://www.w3.org/ns/credentials/v2'],
            type: 'OpenBadgeCredential'}
        }]}] :
        [{type: 'DIDAuthentication'}];
      return [200, {verifiablePresentationRequest: {query, challenge: state.challenge, domain: host}}];
    }
    if(!state || state.done) {
      return [400, {error: 'no exchange in progress'}];
    }
    const vp = body.verifiablePresentation;
    const result = await verifyPresentation(vp, state.challenge, host);
    event({event: verifier ? 'verified' : 'did-auth', exchange: id, ...result});
    if(!result.verified) {
      return [400, {error: 'presentation not verified', details: result.errors}];
    }
    state.done = true;
    if(verifier) {
      return [200, {redirectUrl: `https://${host}/thanks/${id}`}];
    }
    const credential = await issueTo(vp.holder, 'Exchange Credential');
    return [200, {verifiablePresentation: {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      verifiableCredential: [credential]
    }}];
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
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? JSON.parse(text) : undefined;
      [status, answer] = await handle(req, body);
    } catch(e) {
      [status, answer] = [500, {error: String(e?.message || e)}];
    }
    res.writeHead(status, {'Content-Type': 'application/json'});
    res.end(JSON.stringify(answer));
  });
});
server.listen(0, '127.0.0.1', () => {
  event({port: server.address().port, issuer: issuerDidFixed});
});
