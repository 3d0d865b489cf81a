<?php
$CONFIG = array (
  'passwordsalt' => 'NpXly759PS1uEc8pTdwks8h/6/g3fZ',
  'secret' => 'HzgDkrnBvKe3jiVaQYHQV6m+T/Hdl06wB5+ofbsW1Ix8GX1i',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8112',
    3 => 'localhost:8112',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'sqlite3',
  'version' => '30.0.1.2',
  'overwrite.cli.url' => 'http://127.0.0.1:8112',
  'dbname' => 'nextcloud',
  'installed' => true,
  'instanceid' => 'oclepm06fjcq',
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
