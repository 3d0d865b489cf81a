<?php
$CONFIG = array (
  'passwordsalt' => 'SuSOF3/peh8sXuBnEfekjXzC5bE+Ru',
  'secret' => '00YR6DYlG+F3elyyfDKgaCenPT7r8YJWTOpbAHmCiOTRgObN',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8094',
    3 => 'localhost:8094',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'sqlite3',
  'version' => '32.0.2.2',
  'overwrite.cli.url' => 'http://127.0.0.1:8094',
  'dbname' => 'nextcloud',
  'installed' => true,
  'instanceid' => 'ocpmc9m4xlc0',
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
