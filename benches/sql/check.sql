-- What `pwaccount check --all` looks for, as hand-written queries for the sqlite3 shell:
-- the integrity check, then every account's damage, grouped by account.
PRAGMA integrity_check;
SELECT u.user_id, 'challenge pointer without its challenge' FROM user_config u
  WHERE u.key = 'user/challenge/id'
    AND NOT EXISTS (SELECT 1 FROM challenges c WHERE c.uuid = u.value AND c.user_id = u.user_id);
SELECT k.user_id, count(*) || ' keychain(s) but no challenge' FROM keychains k
  WHERE NOT EXISTS (SELECT 1 FROM user_config u JOIN challenges c ON c.uuid = u.value
                    WHERE u.user_id = k.user_id AND u.key = 'user/challenge/id')
  GROUP BY k.user_id;
SELECT p.user_id, count(*) || ' passwords whose current revision is missing' FROM passwords p
  WHERE p.revision IS NOT NULL AND NOT EXISTS (SELECT 1 FROM password_revisions r WHERE r.uuid = p.revision)
  GROUP BY p.user_id;
SELECT r.user_id, count(*) || ' password revisions of no password' FROM password_revisions r
  WHERE NOT EXISTS (SELECT 1 FROM passwords p WHERE p.uuid = r.model) GROUP BY r.user_id;
SELECT f.user_id, count(*) || ' folders whose current revision is missing' FROM folders f
  WHERE f.revision IS NOT NULL AND NOT EXISTS (SELECT 1 FROM folder_revisions r WHERE r.uuid = f.revision)
  GROUP BY f.user_id;
SELECT r.user_id, count(*) || ' folder revisions of no folder' FROM folder_revisions r
  WHERE NOT EXISTS (SELECT 1 FROM folders f WHERE f.uuid = r.model) GROUP BY r.user_id;
SELECT t.user_id, count(*) || ' tags whose current revision is missing' FROM tags t
  WHERE t.revision IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tag_revisions r WHERE r.uuid = t.revision)
  GROUP BY t.user_id;
SELECT r.user_id, count(*) || ' tag revisions of no tag' FROM tag_revisions r
  WHERE NOT EXISTS (SELECT 1 FROM tags t WHERE t.uuid = r.model) GROUP BY r.user_id;
SELECT a.user_id, count(*) || ' tag assignments of a missing password or tag' FROM password_tags a
  WHERE NOT EXISTS (SELECT 1 FROM passwords p WHERE p.uuid = a.password)
     OR NOT EXISTS (SELECT 1 FROM tags t WHERE t.uuid = a.tag) GROUP BY a.user_id;
SELECT s.user_id, count(*) || ' shares of a missing password' FROM shares s
  WHERE NOT EXISTS (SELECT 1 FROM passwords p WHERE p.uuid = s.password) GROUP BY s.user_id;
SELECT user_id, 'a reset code that expired unused' FROM reset_codes WHERE expires <= unixepoch();
