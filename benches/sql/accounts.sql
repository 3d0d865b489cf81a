-- What `pwaccount accounts --json` reports, as one hand-written query for the sqlite3
-- shell: every account id in byte order, its counts, challenge, encryption settings,
-- pending reset and newest row.
WITH ids AS (
  SELECT user_id FROM accounts UNION SELECT user_id FROM passwords
  UNION SELECT user_id FROM password_revisions UNION SELECT user_id FROM folders
  UNION SELECT user_id FROM folder_revisions UNION SELECT user_id FROM tags
  UNION SELECT user_id FROM tag_revisions UNION SELECT user_id FROM password_tags
  UNION SELECT user_id FROM shares UNION SELECT user_id FROM settings
  UNION SELECT user_id FROM user_config UNION SELECT user_id FROM challenges
  UNION SELECT user_id FROM keychains UNION SELECT user_id FROM sessions
  UNION SELECT user_id FROM reset_codes UNION SELECT user_id FROM tokens
)
SELECT i.user_id,
  (SELECT count(*) FROM passwords x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM password_revisions x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM folders x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM folder_revisions x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM tags x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM tag_revisions x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM password_tags x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM shares x WHERE x.user_id = i.user_id)
    + (SELECT count(*) FROM shares x WHERE x.receiver = i.user_id AND x.user_id <> i.user_id),
  (SELECT count(*) FROM settings x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM user_config x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM keychains x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM sessions x WHERE x.user_id = i.user_id),
  (SELECT count(*) FROM tokens x WHERE x.user_id = i.user_id),
  (SELECT c.type FROM user_config u JOIN challenges c ON c.uuid = u.value
     WHERE u.user_id = i.user_id AND u.key = 'user/challenge/id'),
  (SELECT value FROM settings x WHERE x.user_id = i.user_id AND x.key = 'encryption.cse'),
  (SELECT value FROM settings x WHERE x.user_id = i.user_id AND x.key = 'encryption.sse'),
  (SELECT expires FROM reset_codes x WHERE x.user_id = i.user_id AND x.expires > unixepoch()),
  (SELECT max(t) FROM (
     SELECT max(updated) AS t FROM passwords x WHERE x.user_id = i.user_id
     UNION ALL SELECT max(updated) FROM folders x WHERE x.user_id = i.user_id
     UNION ALL SELECT max(updated) FROM tags x WHERE x.user_id = i.user_id
     UNION ALL SELECT max(updated) FROM shares x WHERE x.user_id = i.user_id
     UNION ALL SELECT max(updated) FROM keychains x WHERE x.user_id = i.user_id
     UNION ALL SELECT max(updated) FROM sessions x WHERE x.user_id = i.user_id
     UNION ALL SELECT max(created) FROM password_revisions x WHERE x.user_id = i.user_id
     UNION ALL SELECT max(created) FROM challenges x WHERE x.user_id = i.user_id))
FROM ids i ORDER BY i.user_id;
