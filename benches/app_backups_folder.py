#!/usr/bin/env python3
"""Write a folder of synthetic Passwords app backups for the `backups` benchmark: COUNT
files named as the app's cron job names them (`Y-m-d_H-i-s.json.gz`, one a day), each a
format-106 backup of USERS users, each user with ITEMS passwords (one revision each), one
folder, one tag, a tag assignment per password, a keychain and a challenge, built from the
entities of a real backup the app wrote (TEMPLATE: a .json.gz), with fresh uuids.

    benches/app_backups_folder.py TEMPLATE OUT COUNT USERS ITEMS
"""
import copy
import gzip
import json
import os
import sys
import uuid


def main():
    template, out, count, users, items = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    base = json.load(gzip.open(template))
    pick = lambda key: next(e for e in base[key] if e.get("revisions", [None]))
    password, folder, tag = pick("passwords"), pick("folders"), pick("tags")
    relation = base["passwordTagRelations"][0]
    keychain, challenge = base["keychains"][0], base["challenges"][0]
    owner = password["userId"]
    data = {"version": 106, "passwords": [], "folders": [], "tags": [], "shares": [],
            "keychains": [], "challenges": [], "passwordTagRelations": [],
            "keys": {"server": base["keys"]["server"], "users": {}},
            "settings": {"application": base["settings"]["application"], "users": {}, "clients": {}}}

    def clone(entity, user):
        e = copy.deepcopy(entity)
        e["uuid"] = str(uuid.uuid4())
        e["userId"] = user
        for rev in e.get("revisions", []):
            rev["uuid"] = str(uuid.uuid4())
            rev["model"] = e["uuid"]
            rev["userId"] = user
        if e.get("revisions"):
            e["revisions"] = e["revisions"][:1]
            e["revision"] = e["revisions"][0]["uuid"]
        return e

    for u in range(users):
        user = f"user{u:04d}"
        data["folders"].append(clone(folder, user))
        data["tags"].append(clone(tag, user))
        for _ in range(items):
            p = clone(password, user)
            data["passwords"].append(p)
            r = copy.deepcopy(relation)
            r.update(uuid=str(uuid.uuid4()), userId=user, password=p["uuid"])
            data["passwordTagRelations"].append(r)
        data["keychains"].append(clone(keychain, user))
        data["challenges"].append(clone(challenge, user))
        data["keys"]["users"][user] = base["keys"]["users"][owner]
        data["settings"]["users"][user] = base["settings"]["users"][owner]
        data["settings"]["clients"][user] = base["settings"]["clients"].get(owner, "{}")
    text = json.dumps(data).encode()
    os.makedirs(out, exist_ok=True)
    for day in range(count):
        name = os.path.join(out, f"2026-11-{day + 1:02d}_03-00-00.json.gz")
        with open(name, "wb") as f:
            f.write(gzip.compress(text, 6))
        os.chmod(name, 0o600)
    print(f"{count} backups of {users} users, {len(text)} bytes of JSON each", file=sys.stderr)


if __name__ == "__main__":
    main()
