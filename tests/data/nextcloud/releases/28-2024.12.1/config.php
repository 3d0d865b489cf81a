<?php
$CONFIG = array (
  'passwordsalt' => '/ZHos9UknH+eKdh9QsEuyWEpr6uxlX',
  'secret' => 'DH1a11tPKOZGccG05mVc+vJyveNIgkulpQEmiO7ciL4HNu2s',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8113',
    3 => 'localhost:8113',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'sqlite3',
  'version' => '28.0.2.5',
  'overwrite.cli.url' => 'http://127.0.0.1:8113',
  'dbname' => 'nextcloud',
  'installed' => true,
  'instanceid' => 'oc478suabpeq',
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
