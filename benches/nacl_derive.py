"""The reference client's derivation with libsodium (PyNaCl), for benches/compare.py.

    nacl_derive.py PASSPHRASE_FILE SALTS_JSON [COUNT]   derive COUNT times in sequence
    nacl_derive.py --print PASSPHRASE_FILE SALTS_JSON   derive once and print the secret
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
    show = sys.argv[1] == "--print"
    args = sys.argv[2:] if show else sys.argv[1:]
    with open(args[0], "rb") as f:
        passphrase = f.read()
    # A passphrase file loses one trailing newline, as pwaccount reads it.
    passphrase = passphrase[:-2] if passphrase.endswith(b"\r\n") else passphrase[:-1] if passphrase.endswith(b"\n") else passphrase
    with open(args[1]) as f:
        salts = json.load(f)
    for _ in range(int(args[2]) if len(args) > 2 else 1):
        secret = derive(passphrase, salts)
    if show:
        print(secret)
