// Issues a fresh corpus of Open Badges 3.0 credentials with the reference
// stack, and records what the reference verifier says about each one.
//
// Usage: node issue.mjs OUT_DIR [--seed HEX64]
//
// Every run makes new issuer keys from a 32-byte seed (random unless --seed is
// given; printed on stderr, so a failing run is reproduced with it: same seed,
// same files byte for byte). Written to OUT_DIR: the credentials and
// MANIFEST.json, one entry per file:
//   {file, suite, vc, kind, expired, then, reference: {then, now, errors}}
// kind: valid | expired | tampered-name | tampered-issuer | tampered-date |
// tampered-proofvalue (one field changed after signing). `reference.then` is
// the reference verifier's verdict at `then` (a day after issuance, inside the
// validity period), `reference.now` its verdict at the current time (an
// expired credential fails it).
import {createHmac, randomBytes} from 'node:crypto';
import {mkdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {Ed25519Signature2020} from '@digitalbazaar/ed25519-signature-2020';
import {Ed25519VerificationKey2020} from '@digitalbazaar/ed25519-verification-key-2020';

import {documentLoader, documentLoader2020} from './offline.mjs';

const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seedHex = seedAt >= 0 ? args[seedAt + 1] : randomBytes(32).toString('hex');
const out = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--seed');
if(!out || !/^[0-9a-f]{64}$/i.test(seedHex || '')) {
  console.error('usage: node issue.mjs OUT_DIR [--seed HEX64]');
  process.exit(2);
}
console.error(`reference corpus seed: ${seedHex} (reproduce: node issue.mjs DIR --seed ${seedHex})`);
const seed = Buffer.from(seedHex, 'hex');

/** 32 bytes derived from the seed for `label` (HMAC-SHA256). */
const derive = label => new Uint8Array(createHmac('sha256', seed).update(label).digest());
/** A deterministic choice from `list` for `label`. */
const pick = (list, label) => list[derive(label)[0] % list.length];
const uuid = label => {
  const h = Buffer.from(derive(label)).toString('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

// Issuers and achievements with text in several scripts.
const ISSUERS = [
  {name: 'Université Exemple de Lyon', url: 'https://univ-lyon.example.fr'},
  {name: '東京サンプル大学', url: 'https://tokyo-sample.example.jp'},
  {name: 'أكاديمية المثال للبرمجة', url: 'https://academy.example.sa'},
  {name: 'Beispiel-Akademie München 🎓', url: 'https://akademie.example.de'},
];
const ACHIEVEMENTS = [
  'Écriture technique', 'データ分析の基礎', 'أساسيات الأمن السيبراني',
  'Grundlagen der Statik', 'Public Speaking 🎤', 'Ñandú Field Ecology',
];

const cases = [];
for(const suite of ['eddsa-rdfc-2022', 'Ed25519Signature2020']) {
  for(const kind of ['valid', 'valid', 'expired']) {
    cases.push({suite, kind});
  }
}

function credentialFor(n, {suite, kind}, issuerDid) {
  const issuer = ISSUERS[n % ISSUERS.length];
  const name = pick(ACHIEVEMENTS, `name-${n}`);
  const year = 2021 + (derive(`year-${n}`)[0] % 4);
  const issued = `${year}-0${1 + (n % 9)}-1${n % 10}T09:30:00Z`;
  const expires = `${year + 1}-06-30T00:00:00Z`;
  const v2 = suite === 'eddsa-rdfc-2022';
  const credential = {
    '@context': v2 ?
      ['https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'] :
      ['https://www.w3.org/2018/credentials/v1',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
        'https://w3id.org/security/suites/ed25519-2020/v1'],
    id: uuid(`id-${n}`),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name,
    issuer: {id: issuerDid, type: ['Profile'], name: issuer.name, url: issuer.url},
    credentialSubject: {
      type: ['AchievementSubject'],
      id: `did:example:learner-${n}`,
      achievement: {
        id: `${issuer.url}/achievements/${n}`,
        type: ['Achievement'],
        name,
        description: `Awarded for «${name}» — assessed project work (${n}).`,
        criteria: {narrative: `Completed every module of ${name}.`}
      }
    }
  };
  if(v2) {
    credential.validFrom = issued;
    if(kind === 'expired') {
      credential.validUntil = expires;
    }
  } else {
    credential.issuanceDate = issued;
    if(kind === 'expired') {
      credential.expirationDate = expires;
    }
  }
  return {credential, issued};
}

async function issue(n, c) {
  const keySeed = derive(`key-${n}`);
  const v2 = c.suite === 'eddsa-rdfc-2022';
  const KeyClass = v2 ? Ed25519Multikey : Ed25519VerificationKey2020;
  const {publicKeyMultibase} = await KeyClass.generate({seed: keySeed});
  const did = `did:key:${publicKeyMultibase}`;
  const key = await KeyClass.generate({
    seed: keySeed, id: `${did}#${publicKeyMultibase}`, controller: did
  });
  const {credential, issued} = credentialFor(n, c, did);
  const date = issued;
  const suite = v2 ?
    new DataIntegrityProof({signer: key.signer(), date, cryptosuite: eddsaRdfc2022}) :
    new Ed25519Signature2020({key, date});
  const signed = await vc.issue({
    credential, suite, documentLoader: v2 ? documentLoader : documentLoader2020
  });
  const then = new Date(new Date(issued).getTime() + 86400e3).toISOString();
  return {signed, then};
}

async function referenceVerdict(credential, suiteName, now) {
  const v2 = suiteName === 'eddsa-rdfc-2022';
  const suite = v2 ?
    new DataIntegrityProof({cryptosuite: eddsaRdfc2022}) : new Ed25519Signature2020();
  const result = await vc.verifyCredential({
    credential, suite, now, documentLoader: v2 ? documentLoader : documentLoader2020
  });
  const e = result.error;
  const errors = e ? (e.errors || [e]).map(x => x.message || String(x)) : [];
  return {verified: result.verified, errors};
}

/** One field changed after signing; the signature no longer covers the text. */
function tamper(signed, kind) {
  const t = structuredClone(signed);
  if(kind === 'tampered-name') {
    t.credentialSubject.achievement.name += ' (Distinction)';
  } else if(kind === 'tampered-issuer') {
    t.issuer.name = 'Université Contrefaite — 偽物';
  } else if(kind === 'tampered-date') {
    // A year earlier: still before `then`, so only the signature can fail.
    const field = 'validFrom' in t ? 'validFrom' : 'issuanceDate';
    t[field] = `${Number(t[field].slice(0, 4)) - 1}${t[field].slice(4)}`;
  } else if(kind === 'tampered-proofvalue') {
    const pv = t.proof.proofValue;
    const i = 10 + (derive(`pv-${pv}`)[0] % 40);
    t.proof.proofValue = pv.slice(0, i) + (pv[i] === 'A' ? 'B' : 'A') + pv.slice(i + 1);
  }
  return t;
}

mkdirSync(out, {recursive: true});
const manifest = [];
const now = new Date();
async function record(file, credential, c, kind, then) {
  writeFileSync(join(out, file), JSON.stringify(credential, null, 2) + '\n');
  manifest.push({
    file, suite: c.suite, vc: c.suite === 'eddsa-rdfc-2022' ? '2.0' : '1.1', kind,
    expired: c.kind === 'expired', then,
    reference: {
      then: await referenceVerdict(credential, c.suite, then),
      now: await referenceVerdict(credential, c.suite, now)
    }
  });
}
const TAMPERS = ['tampered-name', 'tampered-issuer', 'tampered-date', 'tampered-proofvalue'];
for(const [n, c] of cases.entries()) {
  const {signed, then} = await issue(n, c);
  await record(`${c.kind}-${n}.json`, signed, c, c.kind, then);
  if(c.kind === 'valid') {
    // Each valid credential also gives two tampered copies; across the corpus
    // every kind of tampering appears with both suites.
    for(const kind of [TAMPERS[(2 * n) % 4], TAMPERS[(2 * n + 1) % 4]]) {
      await record(`${kind}-${n}.json`, tamper(signed, kind), c, kind, then);
    }
  }
}
writeFileSync(join(out, 'MANIFEST.json'), JSON.stringify(manifest, null, 2) + '\n');
console.error(`reference corpus: ${manifest.length} credentials in ${out}`);
