#!/usr/bin/env python3
"""One user's rows in a Nextcloud installation's Passwords tables and the app's
preferences of the user, without the numeric ids, sorted: two dumps are equal when two
restores left the same rows apart from ids. Reads the installation's config.php with its
own PHP (NCORACLE_ROOT, as the reference driver does) and queries its database with the
engine's client (sqlite3 module, psql, mariadb).

    NCORACLE_ROOT=/tmp/nc34 scripts/nc-user-rows.py USER [--tables-only] > rows.txt
"""
import json, os, subprocess, sys

ROOT = os.environ["NCORACLE_ROOT"]
PHP = os.path.join(ROOT, "bin", "php")
TABLES = ["passwords_password", "passwords_password_rv", "passwords_folder",
          "passwords_folder_rv", "passwords_tag", "passwords_tag_rv",
          "passwords_pw_tag_rel", "passwords_share", "passwords_keychain",
          "passwords_challenge"]


def config():
    code = 'include $argv[1]; echo json_encode($CONFIG);'
    out = subprocess.run([PHP, "-r", code, os.path.join(ROOT, "server", "config", "config.php")],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def query(cfg, sql):
    """rows of `sql` as lists of text (NULL as \\N)"""
    kind = cfg.get("dbtype", "sqlite")
    if kind in ("sqlite", "sqlite3"):
        import sqlite3
        db = os.path.join(cfg["datadirectory"], cfg.get("dbname", "owncloud") + ".db")
        conn = sqlite3.connect(db)
        return [["\\N" if v is None else str(v) for v in row] for row in conn.execute(sql)]
    host, _, port = cfg.get("dbhost", "127.0.0.1").partition(":")
    if kind == "pgsql":
        env = dict(os.environ, PGHOST=host or "127.0.0.1", PGPORT=port or "5432",
                   PGUSER=cfg["dbuser"], PGPASSWORD=cfg["dbpassword"], PGDATABASE=cfg["dbname"])
        out = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-F", "\t", "-P", "null=\\N", "-c", sql],
                             env=env, capture_output=True, text=True, check=True).stdout
    else:
        env = dict(os.environ, MYSQL_PWD=cfg["dbpassword"])
        out = subprocess.run(["mariadb", "--no-defaults", "-h", host or "127.0.0.1", "-P", port or "3306",
                              "-u", cfg["dbuser"], "-N", "-B", "-e", sql, cfg["dbname"]],
                             env=env, capture_output=True, text=True, check=True).stdout
        out = out.replace("NULL", "\\N")
    return [line.split("\t") for line in out.splitlines() if line]


def main():
    user = sys.argv[1]
    cfg = config()
    p = cfg.get("dbtableprefix", "oc_")
    for table in TABLES:
        cols = [r[0] for r in query(cfg, {
            "pgsql": f"SELECT column_name FROM information_schema.columns WHERE table_name = '{p}{table}' ORDER BY ordinal_position",
            "mysql": f"SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{p}{table}' ORDER BY ordinal_position",
        }.get(cfg.get("dbtype"), f"SELECT name FROM pragma_table_info('{p}{table}') ORDER BY cid"))]
        cols = [c for c in cols if c != "id"]
        # booleans as 0/1 on every engine
        sel = ", ".join(f"CAST({c} AS INTEGER)" if cfg.get("dbtype") == "pgsql" and c in
                        ("deleted", "hidden", "trashed", "favorite", "editable", "shareable",
                         "source_updated", "target_updated", "has_shares", "suspended")
                        else c for c in cols)
        rows = sorted("\t".join(r) for r in query(cfg, f"SELECT {sel} FROM {p}{table} WHERE user_id = '{user}'"))
        print(f"== {table} ({len(rows)} rows): {' '.join(cols)}")
        for r in rows:
            print(r)
    if "--tables-only" not in sys.argv:
        rows = query(cfg, f"SELECT configkey, configvalue FROM {p}preferences WHERE userid = '{user}' AND appid = 'passwords' ORDER BY configkey")
        print(f"== preferences ({len(rows)} rows)")
        for r in rows:
            print("\t".join(r))


if __name__ == "__main__":
    main()
