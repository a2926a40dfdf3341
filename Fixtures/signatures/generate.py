#!/usr/bin/env python3
"""Writes signed-statement test cases to cases.json: JWS signatures (RFC 7515 compact form)
over one statement, valid and broken in the ways xAPI's signed-statement rules care about.

Keys and certificates are generated afresh on each run (test-only, never used elsewhere); the
committed cases.json is what the tests read. Requires the `cryptography` package.
"""
import base64
import datetime
import json
import pathlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

HERE = pathlib.Path(__file__).parent

STATEMENT = {
    "id": "8d5c1b1e-4b3a-4f6e-9a55-0c2d7f3e9a01",
    "actor": {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}},
    "object": {"objectType": "Activity", "id": "https://courses.example.com/fire-safety/exam"},
    "result": {"score": {"scaled": 0.9}, "success": True},
    "timestamp": "2026-11-20T10:00:00.000Z",
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(subject_key, subject, issuer_key, issuer):
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(subject_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=3650))
        .sign(issuer_key, hashes.SHA256())
    )


def der_b64(cert) -> str:
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def sign(payload: bytes, private_key, alg="RS256", x5c=None) -> str:
    header = {"alg": alg}
    if x5c:
        header["x5c"] = x5c
    signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(payload)).encode()
    if alg.startswith("RS"):
        digest = {"RS256": hashes.SHA256(), "RS384": hashes.SHA384(), "RS512": hashes.SHA512()}[alg]
        signature = private_key.sign(signing_input, padding.PKCS1v15(), digest)
    else:
        mac = hmac.HMAC(b"shared-secret", hashes.SHA256())
        mac.update(signing_input)
        signature = mac.finalize()
    return signing_input.decode() + "." + b64url(signature)


def main():
    payload = json.dumps(STATEMENT).encode()
    other = json.dumps({**STATEMENT, "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}).encode()
    ca_key, signer_key, stranger_key = key(), key(), key()
    ca = certificate(ca_key, "Tessera test CA", ca_key, "Tessera test CA")
    signer = certificate(signer_key, "Tessera test signer", ca_key, "Tessera test CA")
    stranger = certificate(stranger_key, "Someone else", stranger_key, "Someone else")
    chain = [der_b64(signer), der_b64(ca)]

    valid_with_chain = sign(payload, signer_key, "RS256", chain)
    head, body, _ = valid_with_chain.split(".")
    forged = head + "." + body + "." + sign(payload, stranger_key, "RS256").split(".")[2]

    cases = [
        {"name": "RS256 with an x5c chain", "jws": valid_with_chain, "accepted": True},
        {"name": "RS384 without x5c", "jws": sign(payload, signer_key, "RS384"), "accepted": True},
        {"name": "RS512 without x5c", "jws": sign(payload, signer_key, "RS512"), "accepted": True},
        {"name": "HS256 is not allowed", "jws": sign(payload, signer_key, "HS256"), "accepted": False},
        {"name": "signature by a key other than the x5c certificate's", "jws": forged, "accepted": False},
        {"name": "x5c chain whose second certificate did not issue the first",
         "jws": sign(payload, signer_key, "RS256", [der_b64(signer), der_b64(stranger)]), "accepted": False},
        {"name": "payload is a different statement", "jws": sign(other, signer_key, "RS256"), "accepted": False},
        {"name": "payload is not JSON", "jws": sign(payload.replace(b'"', b"'", 1), signer_key), "accepted": False},
        {"name": "not three segments", "jws": "abc.def", "accepted": False},
    ]
    output = {"statement": STATEMENT, "cases": cases}
    (HERE / "cases.json").write_text(json.dumps(output, indent=2) + "\n")


if __name__ == "__main__":
    main()
