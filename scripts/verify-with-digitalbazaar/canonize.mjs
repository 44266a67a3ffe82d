// Canonicalises a batch of JSON-LD documents with the reference jsonld.js, as
// the eddsa-rdfc-2022 cryptosuite does: RDFC-1.0 (URDNA2015), safe mode,
// rdfDirection "i18n-datatype", contexts only from ../../contexts (offline).
//
// Usage: node canonize.mjs DOCS.json   (a JSON array of documents)
// Prints a JSON array with, for each document in order, {"nquads": "..."} or
// {"error": "..."}. One process for the whole batch, documents in order, so a
// batch that switches between context sets exercises the processed-context
// cache the way a long-running verifier does.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import jsonld from 'jsonld';

const here = dirname(fileURLToPath(import.meta.url));
const contextsDir = join(here, '..', '..', 'crates', 'satchel-verify', 'contexts');
const index = JSON.parse(readFileSync(join(contextsDir, 'INDEX.json'), 'utf8'));
const loaded = new Map();

async function documentLoader(url) {
  const file = index[url];
  if(!file) {
    throw new Error(`offline document loader: refusing to fetch ${url}`);
  }
  if(!loaded.has(url)) {
    loaded.set(url, JSON.parse(readFileSync(join(contextsDir, file), 'utf8')));
  }
  // A fresh copy each time: nothing a document does can change a context.
  return {contextUrl: null, documentUrl: url, document: structuredClone(loaded.get(url))};
}

const file = process.argv[2];
if(!file) {
  console.error('usage: node canonize.mjs DOCS.json');
  process.exit(2);
}
const docs = JSON.parse(readFileSync(file, 'utf8'));
const out = [];
for(const doc of docs) {
  try {
    const nquads = await jsonld.canonize(doc, {
      algorithm: 'RDFC-1.0',
      format: 'application/n-quads',
      safe: true,
      rdfDirection: 'i18n-datatype',
      produceGeneralizedRdf: false,
      documentLoader
    });
    out.push({nquads});
  } catch(e) {
    out.push({error: String(e && (e.message || e))});
  }
}
process.stdout.write(JSON.stringify(out));
