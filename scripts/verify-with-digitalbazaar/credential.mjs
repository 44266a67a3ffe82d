// The Open Badges 3.0 credential the test issuers (exchanger.mjs,
// oid4vci-issuer.mjs) issue to a learner's DID, before it is signed.
import {randomUUID} from 'node:crypto';

/** An unsigned OB 3.0 credential from `issuerDid` (at `host`) to `subject`. */
export function ob3Credential({issuerDid, host, subject, name, description, validFrom, issuerName}) {
  return {
    '@context': ['https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json'],
    id: `urn:uuid:${randomUUID()}`,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name,
    issuer: {id: issuerDid, type: ['Profile'], name: issuerName || 'Exchange Test College',
      url: `https://${host}`},
    validFrom: validFrom || new Date(Date.now() - 60e3).toISOString().replace(/\.\d+Z$/, 'Z'),
    credentialSubject: {
      type: ['AchievementSubject'],
      id: subject,
      achievement: {
        id: `https://${host}/achievements/1`, type: ['Achievement'], name, description,
        criteria: {narrative: 'Authenticated as the learner.'}
      }
    }
  };
}
