<?php
$CONFIG = array (
  'passwordsalt' => '73toV9iECoj86V3p/mwbZu/ZXYYMZF',
  'secret' => 'xne30rKiYWn3qF5E60Sv1B8ZmrIlvB3O0BdaamE8lDV9DLBQ',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8093',
    3 => 'localhost:8093',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'sqlite3',
  'version' => '32.0.2.2',
  'overwrite.cli.url' => 'http://127.0.0.1:8093',
  'dbname' => 'nextcloud',
  'installed' => true,
  'instanceid' => 'ocvj01y1j07p',
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
