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
  'dbhost' => 'db.example.com:5433',
  'dbuser' => 'oc_admin',
  'dbpassword' => 'pa\'ss\\word',
  'pgsql_ssl' => 
  array (
    'mode' => 'verify-full',
    'rootcert' => '/etc/ssl/ca.pem',
  ),
);
