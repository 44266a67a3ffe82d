// Verifies a Satchel verification bundle (a Verifiable Presentation) with the
// Digital Bazaar reference stack, fully offline: JSON-LD contexts come from the
// repository's shipped copies and did:key documents are derived locally
// (offline.mjs). Anything else the document loader is asked for is refused.
//
// Usage: node verify.mjs BUNDLE.json --challenge C [--domain D]
// Prints the library's result as JSON; exit status 0 when verified, 1 if not.
import {readFileSync} from 'node:fs';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {documentLoader} from './offline.mjs';

const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if(!file) {
  console.error('usage: node verify.mjs BUNDLE.json --challenge C [--domain D]');
  process.exit(2);
}
const presentation = JSON.parse(readFileSync(file, 'utf8'));
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const result = await vc.verify({
  presentation,
  challenge: option('--challenge'),
  domain: option('--domain'),
  suite,
  documentLoader
});
const errors = e => e && (e.errors || [e]).map(x => x.message || String(x));
console.log(JSON.stringify({
  verified: result.verified,
  presentation: result.presentationResult?.verified,
  presentationErrors: result.presentationResult?.results?.flatMap(r => errors(r.error) || []),
  credentials: (result.credentialResults || []).map(r => ({
    verified: r.verified, errors: errors(r.error)
  })),
  error: errors(result.error)
}, null, 2));
process.exit(result.verified ? 0 : 1);
