<?php
$CONFIG = array (
  'passwordsalt' => 'lw1O0u2dxKMooWHq5dOGHmWmNOPDXC',
  'secret' => 'YMOkZsB+wH2vM6HZmjYXh6k5owTIji7U1SYYCY7MPUSqtnwz',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8095',
    3 => 'localhost:8095',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'sqlite3',
  'version' => '31.0.11.2',
  'overwrite.cli.url' => 'http://127.0.0.1:8095',
  'dbname' => 'nextcloud',
  'installed' => true,
  'instanceid' => 'oc8klezcypdk',
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
