<?php
$CONFIG = array (
  'passwordsalt' => 'P5qSVlahBzXUT95ZradFw31OQ1JQGI',
  'secret' => 'changed-qesfUDgF9wsYsVy3lsxB5sp0Why1Gj2',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8128',
    3 => 'localhost:8128',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'sqlite3',
  'version' => '28.0.2.5',
  'overwrite.cli.url' => 'http://127.0.0.1:8128',
  'dbname' => 'nextcloud',
  'installed' => true,
  'instanceid' => 'ocicdl69pgrb',
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
