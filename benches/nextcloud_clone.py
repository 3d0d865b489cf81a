#!/usr/bin/env python3
"""Grow a Nextcloud Passwords user to N passwords for the reset benchmark.

The user must already have at least one live password made through the app (with its
revision and a tag relation): each clone copies that password, its revision and its tag
relation with fresh uuids, so the app lists and decrypts every clone as it does the
original. Works on the three engines Nextcloud uses here:

    nextcloud_clone.py sqlite PATH/nextcloud.db USER N
    nextcloud_clone.py pgsql  "host=SOCKDIR port=P user=postgres dbname=nextcloud" USER N
    nextcloud_clone.py mysql  SOCKET[:DBNAME] USER N

Needs psycopg2 (pgsql) or pymysql (mysql) from PyPI.
"""
import sys
import uuid


def connect(engine, where):
    if engine == "sqlite":
        import sqlite3

        return sqlite3.connect(where), "?"
    if engine == "pgsql":
        import psycopg2

        return psycopg2.connect(where), "%s"
    if engine == "mysql":
        import pymysql

        socket, _, db = where.partition(":")
        return pymysql.connect(unix_socket=socket, user="root", database=db or "nextcloud"), "%s"
    raise SystemExit(f"unknown engine {engine}")


def columns(cur, engine, table):
    if engine == "sqlite":
        cur.execute(f"PRAGMA table_info({table})")
        return [r[1] for r in cur.fetchall()]
    schema = "current_schema()" if engine == "pgsql" else "DATABASE()"
    cur.execute(
        "SELECT column_name FROM information_schema.columns "
        f"WHERE table_schema = {schema} AND table_name = '{table}' ORDER BY ordinal_position"
    )
    return [r[0] for r in cur.fetchall()]


def main():
    engine, where, user, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    db, mark = connect(engine, where)
    cur = db.cursor()
    live = "deleted = FALSE" if engine != "sqlite" else "deleted = 0"

    def one(table, cond, args):
        cols = columns(cur, engine, table)
        cur.execute(f"SELECT * FROM {table} WHERE user_id = {mark} AND {live} AND {cond} LIMIT 1", [user, *args])
        row = cur.fetchone()
        if row is None:
            raise SystemExit(f"{user} has no live row in {table}")
        return cols, list(row)

    pcols, pw = one("oc_passwords_password", "1 = 1", [])
    rcols, rv = one("oc_passwords_password_rv", f"model = {mark}", [pw[pcols.index("uuid")]])
    lcols, rel = one("oc_passwords_pw_tag_rel", f"password = {mark}", [pw[pcols.index("uuid")]])

    def insert(table, cols, row):
        keep = [i for i, c in enumerate(cols) if c != "id"]
        names = ", ".join(cols[i] for i in keep)
        cur.execute(
            f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(keep))})",
            [row[i] for i in keep],
        )

    for _ in range(n):
        p_uuid, r_uuid = str(uuid.uuid4()), str(uuid.uuid4())
        p = list(pw)
        p[pcols.index("uuid")], p[pcols.index("revision")] = p_uuid, r_uuid
        insert("oc_passwords_password", pcols, p)
        r = list(rv)
        r[rcols.index("uuid")], r[rcols.index("model")] = r_uuid, p_uuid
        insert("oc_passwords_password_rv", rcols, r)
        lrow = list(rel)
        lrow[lcols.index("uuid")] = str(uuid.uuid4())
        lrow[lcols.index("password")], lrow[lcols.index("password_revision")] = p_uuid, r_uuid
        insert("oc_passwords_pw_tag_rel", lcols, lrow)
    db.commit()
    cur.execute(f"SELECT count(*) FROM oc_passwords_password WHERE user_id = {mark} AND {live}", [user])
    print(cur.fetchone()[0])


if __name__ == "__main__":
    main()
