#!/usr/bin/env python3
"""Fill a copy of the app's SQLite fixture with many users, for the scale benchmark.

    nextcloud_users.py DB SOURCE FIRST COUNT PASSWORDS [SHARES]

Adds users u-FIRST … u-(FIRST+COUNT-1), each a copy of SOURCE (a user the app made: every
row of the user in the app's tables and the app's preferences, uuids renamed consistently
so every reference stays inside the copy), then grown to PASSWORDS live passwords by
copying one of its passwords with its revision and tag relation, as
`nextcloud_clone.py` does. With SHARES, each new user shares that many of its passwords
with the next one (the app's share rows, by owner and receiver). The copies open with the
SOURCE's passphrase: the challenge and keys are the SOURCE's, under the same user key.
"""
import sqlite3
import sys
import uuid

TABLES = [
    "oc_passwords_password",
    "oc_passwords_password_rv",
    "oc_passwords_folder",
    "oc_passwords_folder_rv",
    "oc_passwords_tag",
    "oc_passwords_tag_rv",
    "oc_passwords_pw_tag_rel",
    "oc_passwords_share",
    "oc_passwords_session",
    "oc_passwords_keychain",
    "oc_passwords_challenge",
    "oc_passwords_registration",
]


def columns(cur, table):
    cur.execute(f"PRAGMA table_info({table})")
    return [r[1] for r in cur.fetchall() if r[1] != "id"]


def main():
    db, source = sys.argv[1], sys.argv[2]
    first, count, passwords = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    shares = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    conn = sqlite3.connect(db)
    cur = conn.cursor()
    cols = {t: columns(cur, t) for t in TABLES}
    rows = {}
    for t in TABLES:
        names = ", ".join(f"\"{c}\"" for c in cols[t])
        cur.execute(f"SELECT {names} FROM {t} WHERE user_id = ?", [source])
        rows[t] = cur.fetchall()
    cur.execute(
        "SELECT configkey, configvalue FROM oc_preferences WHERE userid = ? AND appid = 'passwords'",
        [source],
    )
    prefs = cur.fetchall()
    uuids = {r[cols[t].index("uuid")] for t in TABLES for r in rows[t]}
    # The password (with its revision and tag relation) the growth copies.
    pw_cols, rv_cols, rel_cols = (cols[t] for t in TABLES[0:2] + TABLES[6:7])
    seed = next(r for r in rows[TABLES[0]] if not r[pw_cols.index("deleted")])
    seed_rv = next(r for r in rows[TABLES[1]] if r[rv_cols.index("uuid")] == seed[pw_cols.index("revision")])
    seed_rel = next(r for r in rows[TABLES[6]] if r[rel_cols.index("password")] == seed[pw_cols.index("uuid")])
    live = sum(1 for r in rows[TABLES[0]] if not r[pw_cols.index("deleted")])

    def insert(table, values):
        names = ", ".join(f"\"{c}\"" for c in cols[table])
        marks = ", ".join("?" for _ in cols[table])
        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", values)

    for n in range(first, first + count):
        user = f"u-{n:04d}"
        rename = {u: str(uuid.uuid4()) for u in uuids}

        def copy(table, row):
            out = []
            for c, v in zip(cols[table], row):
                if c == "user_id":
                    v = user
                elif isinstance(v, str) and v in rename:
                    v = rename[v]
                out.append(v)
            return out

        for t in TABLES:
            insert(t, [copy(t, r) for r in rows[t]])
        cur.executemany(
            "INSERT INTO oc_preferences (userid, appid, configkey, configvalue) VALUES (?, 'passwords', ?, ?)",
            [(user, k, rename.get(v, v)) for k, v in prefs],
        )
        pws, rvs, rels = [], [], []
        for _ in range(passwords - live):
            p, r, l = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
            pw = copy(TABLES[0], seed)
            pw[pw_cols.index("uuid")], pw[pw_cols.index("revision")] = p, r
            rv = copy(TABLES[1], seed_rv)
            rv[rv_cols.index("uuid")], rv[rv_cols.index("model")] = r, p
            rel = copy(TABLES[6], seed_rel)
            rel[rel_cols.index("uuid")], rel[rel_cols.index("password")] = l, p
            pws.append(pw)
            rvs.append(rv)
            rels.append(rel)
        insert(TABLES[0], pws)
        insert(TABLES[1], rvs)
        insert(TABLES[6], rels)
        if shares:
            receiver = f"u-{n + 1:04d}"
            share_cols = cols["oc_passwords_share"]
            values = []
            for pw in pws[:shares]:
                row = {c: None for c in share_cols}
                row.update(
                    user_id=user,
                    uuid=str(uuid.uuid4()),
                    receiver=receiver,
                    source_password=pw[pw_cols.index("uuid")],
                    target_password=None,
                    source_updated=1,
                    target_updated=0,
                    type="user",
                    editable=0,
                    shareable=0,
                    expires=None,
                    deleted=0,
                    created=1,
                    updated=1,
                    client="benchmark",
                )
                values.append([row[c] for c in share_cols])
            insert("oc_passwords_share", values)
        if n % 200 == 0:
            conn.commit()
    conn.commit()


if __name__ == "__main__":
    main()
