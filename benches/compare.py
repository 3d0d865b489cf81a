#!/usr/bin/env python3
"""Compare pwaccount with the tools a user would otherwise reach for, in one run.

Each pair runs interleaved (A B A B ...) for --rounds rounds after one warm-up round; the
report gives medians and the ratio pwaccount / peer. Run through benches/compare.sh,
which installs what this needs. Results are printed as a Markdown table (--out FILE to
also write it).
"""
import argparse
import gzip
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PW = Path(os.environ.get("PWACCOUNT_BIN", ROOT / "target/release/pwaccount"))
POPULATE = ROOT / "target/release/examples/populate"
NACL = ROOT / "benches/nacl_derive.py"
OLD_PASS = "correct horse battery staple"
NEW_PASS = "a different, longer passphrase"


def timed(cmd, stdin=None):
    """Wall time (s) and peak RSS (KiB) of one run; fails loudly on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL if stdin is None else open(stdin, "rb"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{proc.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss


def interleave(rounds, runners):
    """runners: name -> (prepare, command). Returns name -> list of (seconds, rss)."""
    results = {name: [] for name in runners}
    for i in range(rounds + 1):
        for name, (prepare, command) in runners.items():
            if prepare:
                prepare()
            sample = timed(command())
            if i > 0:  # round 0 is the warm-up
                results[name].append(sample)
    return results


def med(samples, index=0):
    return statistics.median(s[index] for s in samples)


def pw(db, *args):
    return [str(PW), "--db", str(db), "--user", "alice", *map(str, args)]


def sql(db, script):
    con = sqlite3.connect(db)
    con.executescript(script)
    con.close()


def checkpoint(db):
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def fresh_copy(template, target):
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, target)


def account(work, name, passwords):
    db = work / f"{name}.sqlite"
    subprocess.run([str(POPULATE), "--db", str(db), "--user", "alice", "--passwords", str(passwords)],
                   check=True, stderr=subprocess.DEVNULL)
    subprocess.run([str(POPULATE), "--db", str(db), "--user", "bob", "--passwords", str(max(passwords // 10, 1)),
                    "--peer", "alice"], check=True, stderr=subprocess.DEVNULL)
    return db


RESET_TABLES = ["passwords", "password_revisions", "folders", "folder_revisions", "tags", "tag_revisions",
                "password_tags", "settings", "user_config", "challenges", "keychains", "sessions", "reset_codes"]
COPY_TABLES = ["accounts"] + RESET_TABLES + ["shares", "tokens"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--passwords", type=int, default=100_000)
    ap.add_argument("--only", default="1,2,3,4,5,6,7")
    ap.add_argument("--out")
    args = ap.parse_args()
    only = {int(x) for x in args.only.split(",")}
    work = Path(tempfile.mkdtemp(prefix="pwaccount-bench-"))
    rows = []

    # A small account with a challenge, for the derivation benchmarks.
    small = work / "small.sqlite"
    old_file, new_file = work / "old.txt", work / "new.txt"
    old_file.write_text(OLD_PASS + "\n")
    new_file.write_text(NEW_PASS + "\n")
    subprocess.run(pw(small, "challenge", "set", "--passphrase-file", old_file), check=True, stderr=subprocess.DEVNULL)
    checkpoint(small)
    salts = work / "salts.json"
    salts.write_text(json.dumps(json.loads(subprocess.run(pw(small, "challenge", "get"), check=True,
                                                          capture_output=True).stdout)["salts"]))
    noop = lambda: [sys.executable, str(NACL), "--noop"]

    if 1 in only:
        r = interleave(args.rounds, {
            "pw": (None, lambda: pw(small, "challenge", "verify", "--passphrase-file", old_file)),
            "nacl": (None, lambda: [sys.executable, str(NACL), str(old_file), str(salts), "1"]),
            "noop": (None, noop),
        })
        peer = med(r["nacl"]) - med(r["noop"])
        rows.append(("1. challenge verify", "PyNaCl derivation (net of start-up)", med(r["pw"]), peer, "<= 0.85"))

    if 2 in only:
        change = work / "change.sqlite"
        r = interleave(args.rounds, {
            "pw": (lambda: fresh_copy(small, change),
                   lambda: pw(change, "challenge", "set", "--passphrase-file", new_file, "--old-passphrase-file", old_file)),
            "nacl": (None, lambda: [sys.executable, str(NACL), str(old_file), str(salts), "2"]),
            "noop": (None, noop),
        })
        peer = med(r["nacl"]) - med(r["noop"])
        rows.append(("2. challenge set (change)", "2 PyNaCl derivations in sequence (net)", med(r["pw"]), peer, "<= 0.6"))

    if only & {3, 4, 5}:
        big = account(work, "big", args.passwords)
        sql(big, "INSERT OR REPLACE INTO server_settings VALUES ('reset.code_ttl_seconds', '2592000')")
        code = subprocess.run(pw(big, "reset", "--no-input"), check=True, capture_output=True).stdout.decode().strip()
        checkpoint(big)
        a, b = work / "a.sqlite", work / "b.sqlite"
        where = lambda t: "(user_id = 'alice' OR receiver = 'alice')" if t == "shares" else "user_id = 'alice'"
        deletes = work / "deletes.sql"
        deletes.write_text("BEGIN IMMEDIATE;\n" + "".join(
            f"DELETE FROM {t} WHERE {where(t)};\n" for t in RESET_TABLES + ["shares"]) + "COMMIT;\n")
        if 3 in only or 4 in only:
            r = interleave(args.rounds, {
                "pw": (lambda: fresh_copy(big, a), lambda: pw(a, "reset", "--no-backup", "--code", code)),
                "sqlite3": (lambda: fresh_copy(big, b), lambda: ["sqlite3", str(b), f".read {deletes}"]),
            })
            if 3 in only:
                rows.append((f"3. reset, {args.passwords:,} passwords", "sqlite3 DELETEs in one transaction",
                             med(r["pw"]), med(r["sqlite3"]), "<= 1.0"))
            if 4 in only:
                small_n = args.passwords // 10
                ten = account(work, "ten", small_n)
                sql(ten, "INSERT OR REPLACE INTO server_settings VALUES ('reset.code_ttl_seconds', '2592000')")
                code10 = subprocess.run(pw(ten, "reset", "--no-input"), check=True, capture_output=True).stdout.decode().strip()
                checkpoint(ten)
                r10 = interleave(max(args.rounds // 4, 3), {
                    "pw": (lambda: fresh_copy(ten, a), lambda: pw(a, "reset", "--no-backup", "--code", code10)),
                })
                rss_big, rss_small = med(r["pw"], 1), med(r10["pw"], 1)
                rows.append((f"4. reset peak RSS, {args.passwords:,} vs {small_n:,} passwords", "same command, 10x smaller",
                             rss_big, rss_small, "<= 1.10", "KiB"))
        if 5 in only:
            empty = work / "empty.sqlite"
            subprocess.run(pw(empty, "status"), check=True, stdout=subprocess.DEVNULL)
            sql(empty, "PRAGMA journal_mode = DELETE")
            out_pw, out_sql = work / "out-pw.sqlite", work / "out-sql.sqlite"
            copy = work / "copy.sql"
            copy.write_text(f"ATTACH '{big}' AS live;\nBEGIN;\n" + "".join(
                f"INSERT INTO main.{t} SELECT * FROM live.{t} WHERE {where(t)};\n" for t in COPY_TABLES) + "COMMIT;\n")
            r = interleave(args.rounds, {
                "pw": (lambda: out_pw.unlink(missing_ok=True), lambda: pw(big, "backup", out_pw)),
                "sqlite3": (lambda: fresh_copy(empty, out_sql), lambda: ["sqlite3", str(out_sql), f".read {copy}"]),
            })
            rows.append((f"5. backup, {args.passwords:,} passwords", "sqlite3 ATTACH + INSERT ... SELECT",
                         med(r["pw"]), med(r["sqlite3"]), "<= 1.5"))

    if 6 in only:
        query = ("SELECT client_data FROM challenges WHERE user_id = 'alice' AND uuid = (SELECT value FROM "
                 "user_config WHERE user_id = 'alice' AND key = 'user/challenge/id')")
        r = interleave(args.rounds * 5, {
            "pw": (None, lambda: pw(small, "challenge", "get")),
            "sqlite3": (None, lambda: ["sqlite3", str(small), query]),
        })
        rows.append(("6. challenge get", "sqlite3 running its one SELECT", med(r["pw"]), med(r["sqlite3"]), "<= 2.0"))

    if 7 in only:
        # bob of the Nextcloud fixture (the real app's database), his salts as the app
        # returns them; pwaccount opens a session as the app does (Argon2, then ICrypto).
        fixture = ROOT / "tests/data/nextcloud/sqlite"
        nc = work / "nc"
        (nc / "config").mkdir(parents=True)
        (nc / "data").mkdir()
        with gzip.open(fixture / "nextcloud.db.gz") as src, open(nc / "data/nextcloud.db", "wb") as dst:
            shutil.copyfileobj(src, dst)
        (nc / "config/config.php").write_text(
            (fixture / "config.php").read_text().replace("/srv/nextcloud/data", str(nc / "data")))
        bob_file = work / "bob.txt"
        bob_file.write_text("bob-passphrase-0123456789\n")
        challenge = json.loads(subprocess.run([str(PW), "--nextcloud", str(nc), "--user", "bob", "challenge", "get"],
                                              check=True, capture_output=True).stdout)
        bob_salts = work / "bob-salts.json"
        bob_salts.write_text(json.dumps(challenge["salts"]))
        r = interleave(args.rounds, {
            "pw": (None, lambda: [str(PW), "--nextcloud", str(nc), "--user", "bob", "challenge", "verify",
                                  "--passphrase-file", str(bob_file)]),
            "nacl": (None, lambda: [sys.executable, str(NACL), str(bob_file), str(bob_salts), "1"]),
            "noop": (None, noop),
        })
        peer = med(r["nacl"]) - med(r["noop"])
        rows.append(("7. challenge verify, Nextcloud", "PyNaCl derivation (net of start-up)", med(r["pw"]), peer,
                     "<= 0.85"))

    lines = ["| benchmark | peer | pwaccount | peer | ratio | target |", "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        name, peer_name, mine, theirs, target = row[:5]
        unit = row[5] if len(row) > 5 else "s"
        fmt = (lambda v: f"{v * 1000:.1f} ms") if unit == "s" else (lambda v: f"{v / 1024:.1f} MiB")
        lines.append(f"| {name} | {peer_name} | {fmt(mine)} | {fmt(theirs)} | {mine / theirs:.2f} | {target} |")
    report = "\n".join(lines)
    print(report)
    if args.out:
        Path(args.out).write_text(report + "\n")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
