#!/usr/bin/env python3
"""Writes crates/satchel-verify/src/sb2-dictionary.txt, the zlib preset dictionary of `SB2:` QR codes.

The dictionary is frozen: every SB2 code ever printed inflates only with these exact
bytes (a test pins their SHA-256). A better dictionary needs a new prefix (SB3:) and a
new file; this script documents how SB2's was made and is not meant to be re-run.

Content: the terms the shipped VC 1.1, VC 2.0 and Open Badges 3.0.3 contexts define,
then the JSON fragments that OB 3.0 credentials always carry, in the compact form
Satchel compresses (serde_json, key order kept). zlib codes near matches more cheaply,
so the most frequent fragments come last.
"""
import json
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
CONTEXTS = ROOT / "crates" / "satchel-verify" / "contexts"


def terms(name):
    out = []

    def walk(ctx):
        if isinstance(ctx, dict):
            for k, v in ctx.items():
                if not k.startswith("@"):
                    out.append(k)
                if isinstance(v, dict) and "@context" in v:
                    walk(v["@context"])
        elif isinstance(ctx, list):
            for c in ctx:
                walk(c)

    walk(json.loads((CONTEXTS / name).read_text())["@context"])
    return out


TERMS = []
for f in [
    "www.w3.org_2018_credentials_v1.jsonld",
    "www.w3.org_ns_credentials_v2.jsonld",
    "purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json",
]:
    for t in terms(f):
        if t not in TERMS:
            TERMS.append(t)

FRAGMENTS = [
    '"validUntil":"', '"expirationDate":"', '"issuanceDate":"', '"awardedDate":"',
    '"credentialSchema":[{"id":"https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json","type":"1EdTechJsonSchemaValidator2019"}]',
    '"credentialStatus":{"id":"',
    '"type":"BitstringStatusListEntry","statusPurpose":"revocation","statusListIndex":"',
    '"statusListCredential":"https://',
    '"alignment":[{"type":["Alignment"],"targetName":"', '"targetUrl":"https://',
    '"targetFramework":"', '"targetCode":"',
    '"evidence":[{"type":["Evidence"],"id":"https://',
    '"resultDescription":[{"type":["ResultDescription"],',
    '"image":{"id":"https://', '","type":"Image","caption":"',
    '{"type":"Ed25519Signature2020","created":"',
    '"proofPurpose":"assertionMethod","proofValue":"z',
    '"@context":["https://www.w3.org/2018/credentials/v1","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json","https://w3id.org/security/suites/ed25519-2020/v1"],"id":"urn:uuid:',
    '"image":{"id":"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAA',
    '"type":["VerifiableCredential","OpenBadgeCredential"],"name":"',
    '"issuer":{"id":"did:key:z6Mk', '","type":["Profile"],"name":"', '","url":"https://',
    '","email":"',
    '"credentialSubject":{"type":["AchievementSubject"],"id":"did:key:z6Mk',
    '"achievement":{"id":"https://', '","type":["Achievement"],"name":"',
    '","description":"', '"criteria":{"narrative":"', '"criteria":{"id":"https://',
    '"validFrom":"20', 'T00:00:00Z","', 'T12:00:00Z","',
    '"proof":{"type":"DataIntegrityProof","created":"20',
    '","verificationMethod":"did:key:z6Mk',
    '","cryptosuite":"eddsa-rdfc-2022","proofPurpose":"assertionMethod","proofValue":"z',
    '"cryptosuite":"eddsa-jcs-2022"',
    '{"@context":["https://www.w3.org/ns/credentials/v2","https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],"id":"urn:uuid:',
]

if __name__ == "__main__":
    text = '"' + '","'.join(TERMS) + '"' + "".join(FRAGMENTS)
    (ROOT / "crates/satchel-verify/src/sb2-dictionary.txt").write_bytes(text.encode())
    print(len(text.encode()), "bytes")
