// For each credential file given, the QR code Digital Bazaar's vpqr (CBOR-LD,
// Base45, alphanumeric mode) makes at error correction level M: the payload
// length and QR version, or the error. Offline: contexts are read from
// Satchel's crates/satchel-verify/contexts/ folder, never fetched. Prints one JSON line per file.
//
//   npm ci && node measure.mjs [--rfc4122-ids] ../../tests/fixtures/qr/*.json
//
// --rfc4122-ids: CBOR-LD refuses `urn:uuid:` ids that are not RFC 4122 UUIDs
// (as in Satchel's example credentials); this sets their version and variant
// digits (same length) so the size can be compared at all. The signature no
// longer matches then, which does not change the size.
import {readFileSync} from 'node:fs';
import {dirname, join, basename} from 'node:path';
import {fileURLToPath} from 'node:url';
import {isDeepStrictEqual} from 'node:util';
import {util} from '@digitalbazaar/vpqr';

const contexts = join(dirname(fileURLToPath(import.meta.url)), '../../crates/satchel-verify/contexts');
const index = JSON.parse(readFileSync(join(contexts, 'INDEX.json'), 'utf8'));

async function documentLoader(url) {
  const file = index[url];
  if(!file) {
    throw new Error(`context not shipped (never fetched): ${url}`);
  }
  return {
    contextUrl: null,
    documentUrl: url,
    document: JSON.parse(readFileSync(join(contexts, file), 'utf8'))
  };
}

const fixIds = process.argv.includes('--rfc4122-ids');
for(const file of process.argv.slice(2).filter(a => !a.startsWith('--'))) {
  const credential = JSON.parse(readFileSync(file, 'utf8'));
  if(fixIds && typeof credential.id === 'string' &&
    credential.id.startsWith('urn:uuid:')) {
    const u = credential.id.slice(9).split('');
    u[14] = '4';
    u[19] = '8';
    credential.id = 'urn:uuid:' + u.join('');
  }
  try {
    const {version, payload, rawCborldBytes} = await util.toQrCode({
      header: 'VC1-',
      jsonldDocument: credential,
      documentLoader,
      registryEntryId: 1,
      qrErrorCorrectionLevel: 'M'
    });
    // Decode the code's text back: the credential must come out unchanged.
    let roundTrip;
    try {
      const {jsonldDocument} = await util.fromQrCode({
        expectedHeader: 'VC1-', text: payload, documentLoader
      });
      roundTrip = isDeepStrictEqual(jsonldDocument, credential);
    } catch(e) {
      roundTrip = `decode failed: ${e.message || e}`;
    }
    console.log(JSON.stringify({
      file: basename(file), cborld_bytes: rawCborldBytes.length,
      payload_chars: payload.length, version, round_trip: roundTrip
    }));
  } catch(e) {
    console.log(JSON.stringify({file: basename(file), error: String(e.message || e)}));
  }
}
