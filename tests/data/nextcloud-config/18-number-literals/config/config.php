<?php
$CONFIG = array (
  'instanceid' => 'oc1234567890',
  'passwordsalt' => 'salt',
  'secret' => 'the-secret',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => 'cloud.example.com',
  ),
  'datadirectory' => '/var/www/html/data',
  'dbtype' => 'sqlite3',
  'version' => '34.0.1.2',
  'dbname' => 'nextcloud',
  'dbtableprefix' => 'oc_',
  'installed' => true,
  'oct' => 017,
  'oct2' => 0o17,
  'hex' => 0x1F,
  'bin' => 0b101,
  'under' => 1_000_000,
  'exp' => 1e3,
  'frac' => .5,
  'neg' => -42,
  'negf' => -1.5,
  'plus' => +7,
  'zero' => 0,
  'float0' => 2.0,
);
