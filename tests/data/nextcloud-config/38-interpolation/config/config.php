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
);
