// Times the reference stack verifying credential files (eddsa-rdfc-2022),
// offline, in one warm process: every file is verified once to warm up, then
// all of them again, timed. Prints {"count", "verified", "warm_mean_ms", "total_ms"}.
//
// Usage: node bench.mjs FILE...
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as DidKey from '@digitalbazaar/did-method-key';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '..', '..', 'crates', 'satchel-verify', 'contexts');
const index = JSON.parse(readFileSync(join(contextsDir, 'INDEX.json'), 'utf8'));
const contexts = new Map();
const didKeyDriver = DidKey.driver();
didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

async function documentLoader(url) {
  if(url.startsWith('did:key:')) {
    return {contextUrl: null, documentUrl: url, document: await didKeyDriver.get({url})};
  }
  const file = index[url];
  if(!file) {
    throw new Error(`offline document loader: refusing to fetch ${url}`);
  }
  if(!contexts.has(url)) {
    contexts.set(url, JSON.parse(readFileSync(join(contextsDir, file), 'utf8')));
  }
  return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
}

const credentials = process.argv.slice(2).map(f => JSON.parse(readFileSync(f, 'utf8')));
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const verifyAll = async () => {
  let verified = 0;
  for(const credential of credentials) {
    const r = await vc.verifyCredential({credential, suite, documentLoader});
    if(r.verified) {
      verified++;
    }
  }
  return verified;
};
await verifyAll();
const start = process.hrtime.bigint();
const verified = await verifyAll();
const totalMs = Number(process.hrtime.bigint() - start) / 1e6;
console.log(JSON.stringify({
  count: credentials.length, verified, warm_mean_ms: totalMs / credentials.length, total_ms: totalMs
}));
