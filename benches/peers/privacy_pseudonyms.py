"""Peer for shopml-privacy's pseudonyms: Python's own hmac + hashlib.

Writes crates/shopml-privacy/tests/fixtures/pseudonyms.json with the pseudonym
of several ids under several keys, domains, lengths and encodings, computed as
documented: first `length` bytes of HMAC-SHA-256(key, domain || 0x00 || id),
lower-case hex or unpadded lower-case RFC 4648 base32. Standard library only.

Run from the repository root: python benches/peers/privacy_pseudonyms.py
"""
import base64
import hashlib
import hmac
import json
import os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "crates", "shopml-privacy", "tests", "fixtures", "pseudonyms.json")

keys = {
    "ones32": bytes([1] * 32),
    "counting40": bytes(range(40)),
    "text": b"a key written as a line of text, 45 bytes.!!",
}
ids = ["17850", "12346", "18287", "C536379", "", "caf\u00e9 \u00fc", "85123A"]
cases = []
for key_name, key in keys.items():
    for domain in ["customer", "product"]:
        for length, encoding in [(10, "hex"), (8, "hex"), (32, "hex"), (16, "base32"), (9, "base32")]:
            for i in ids:
                mac = hmac.new(key, domain.encode() + b"\x00" + i.encode(), hashlib.sha256).digest()[:length]
                out = mac.hex() if encoding == "hex" else base64.b32encode(mac).decode().lower().rstrip("=")
                cases.append({"key_hex": key.hex(), "domain": domain, "length": length,
                              "encoding": encoding, "id": i, "pseudonym": out})
with open(OUT, "w") as f:
    json.dump({"source": "python hmac/hashlib", "cases": cases}, f, indent=0)
print(f"wrote {len(cases)} cases to {OUT}")
