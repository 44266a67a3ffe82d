// The offline document loaders the reference scripts use: JSON-LD contexts come
// from the repository's shipped copies (crates/satchel-verify/contexts) and did:key documents
// are derived locally; anything else is refused, never fetched.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';
import * as DidKey from '@digitalbazaar/did-method-key';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '..', '..', 'crates', 'satchel-verify', 'contexts');
const index = JSON.parse(readFileSync(join(contextsDir, 'INDEX.json'), 'utf8'));

function loaderWith(fromMultibase) {
  const didKeyDriver = DidKey.driver();
  didKeyDriver.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase});
  return async function documentLoader(url) {
    if(url.startsWith('did:key:')) {
      const document = await didKeyDriver.get({url});
      return {contextUrl: null, documentUrl: url, document};
    }
    const file = index[url];
    if(file) {
      const document = JSON.parse(readFileSync(join(contextsDir, file), 'utf8'));
      return {contextUrl: null, documentUrl: url, document};
    }
    throw new Error(`offline document loader: refusing to fetch ${url}`);
  };
}

/** did:key verification methods as `Multikey` (Data Integrity proofs). */
export const documentLoader = loaderWith(Ed25519Multikey.from);

/** did:key verification methods as `Ed25519VerificationKey2020` (that suite requires them). */
export const documentLoader2020 = loaderWith(Ed25519VerificationKey2020.from);
