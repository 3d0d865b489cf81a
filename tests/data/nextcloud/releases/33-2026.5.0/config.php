<?php
$CONFIG = array (
  'passwordsalt' => '5IVPWRqNazT4wdjQA9QYirTwE27GHu',
  'secret' => '0k2G64p5Qw5SZPYe0qaGj75kZQsSgQ2kmp1e5X51brn0to7u',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8092',
    3 => 'localhost:8092',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'sqlite3',
  'version' => '33.0.3.2',
  'overwrite.cli.url' => 'http://127.0.0.1:8092',
  'dbname' => 'nextcloud',
  'instanceid' => 'oc7tkozjwnvh',
  'installed' => true,
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
