<?php
$CONFIG = array (
  'passwordsalt' => '9DhZVrOqHDx1j30chTDPllLGuDyGrc',
  'secret' => 'q9w5ozdt6lbCJ5/cvbMs9zOxu22LSDQOSbe5UAI7b2EECrVu',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8111',
    3 => 'localhost:8111',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'sqlite3',
  'version' => '29.0.1.1',
  'overwrite.cli.url' => 'http://127.0.0.1:8111',
  'dbname' => 'nextcloud',
  'installed' => true,
  'instanceid' => 'oc0mqxbmhjx9',
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
