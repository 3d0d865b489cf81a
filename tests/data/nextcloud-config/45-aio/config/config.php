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
  'dbtype' => 'pgsql',
  'version' => '34.0.1.2',
  'dbname' => 'nextcloud',
  'dbtableprefix' => 'oc_',
  'installed' => true,
  'dbhost' => 'nextcloud-aio-database:5432',
  'dbuser' => 'oc_nextcloud',
  'dbpassword' => 'aio-db-pass',
);
