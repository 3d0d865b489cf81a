"""The reference client's derivation with libsodium (PyNaCl), for benches/compare.py.

    nacl_derive.py PASSPHRASE_FILE SALTS_JSON [COUNT]   derive COUNT times in sequence
    nacl_derive.py --noop                               the same imports, no work
"""
import json
import sys

import nacl.bindings as sodium
import nacl.encoding
import nacl.hash


def derive(passphrase: bytes, salts):
    s0, s1, s2 = (bytes.fromhex(s) for s in salts)
    g = nacl.hash.blake2b(passphrase + s0, digest_size=64, key=s1, encoder=nacl.encoding.RawEncoder)
    return sodium.crypto_pwhash_alg(
        32,
        g,
        s2,
        sodium.crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
        sodium.crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE,
        sodium.crypto_pwhash_ALG_ARGON2ID13,
    ).hex()


if __name__ == "__main__":
    if sys.argv[1] == "--noop":
        sys.exit(0)
    with open(sys.argv[1], "rb") as f:
        passphrase = f.read().rstrip(b"\n")
    with open(sys.argv[2]) as f:
        salts = json.load(f)
    for _ in range(int(sys.argv[3]) if len(sys.argv) > 3 else 1):
        derive(passphrase, salts)
