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
  'dbtype' => 'mysql',
  'version' => '34.0.1.2',
  'dbname' => 'nextcloud',
  'dbtableprefix' => 'oc_',
  'installed' => true,
  'dbhost' => 'localhost:/run/mysqld/mysqld.sock',
  'mysql.utf8mb4' => true,
  'dbdriveroptions' => [
    PDO::MYSQL_ATTR_SSL_CA => '/ca.pem',
    \PDO::MYSQL_ATTR_SSL_VERIFY_SERVER_CERT => false,
  ],
);
