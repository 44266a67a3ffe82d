#!/usr/bin/env python3
"""Writes crates/satchel-verify/src/sb3-dictionary.txt, the zlib preset dictionary of
`SB3:` payloads (the fragment of a verifier link, the QR code a phone camera opens).

Frozen like SB2's: every SB3 link ever made inflates only with these exact bytes (a test
pins their SHA-256); a better dictionary needs a new prefix and a new file.

Content: the whole SB2 dictionary, then what SB2's missed on the example credentials and
the reference corpus (docs/share-measurements.md): the opening of an SVG badge image as a
base64 `data:` URI (`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 `, the form SVG
badges are written in), `</svg>` at the three base64 alignments, and a few fragments of
OB 3.0 credentials. zlib codes near matches more cheaply, so they come last.
"""
import base64
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "crates/satchel-verify/src"

SVG_OPENING = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 ')
# 51 bytes are 68 base64 characters that never depend on what follows.
APPENDIX = [
    '"image":{"id":"data:image/svg+xml;base64,' + SVG_OPENING[:68].decode(),
    '","type":"Image"}',
    ',"inLanguage":"',
    "PC9zdmc+ wvc3ZnPg 8L3N2Zz4",
    '"}},"validFrom":"',
    '"}},"issuanceDate":"',
]

if __name__ == "__main__":
    sb2 = (SRC / "sb2-dictionary.txt").read_bytes()
    data = sb2 + "".join(APPENDIX).encode()
    (SRC / "sb3-dictionary.txt").write_bytes(data)
    print(len(data), "bytes")
