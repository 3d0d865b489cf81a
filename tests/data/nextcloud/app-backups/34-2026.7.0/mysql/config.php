<?php

/*
 * WARNING
 *
 * This file gets modified by automatic processes and all lines that are not
 * active code (ie. comments) are lost during that process.
 *
 * If you want to document things with comments or use constants add your settings
 * in a '<NAME>.config.php' file which will be included and rendered into this file.
 *
 * Example:
 *   <?php
 *   $CONFIG = [];
 *
 * See also: https://docs.nextcloud.com/server/latest/admin_manual/configuration_server/config_sample_php_parameters.html#multiple-merged-configuration-files
 */
$CONFIG = array (
  'passwordsalt' => 'ArhSG2+zqTTsWK4YwXkCkT/Sn/pOUS',
  'secret' => 'usDZObMVtTjZWdezVe32Qy89ZG8CN9jb+8N6iDIq9F47mQ6N',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8136',
    3 => 'localhost:8136',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'mysql',
  'version' => '34.0.1.2',
  'overwrite.cli.url' => 'http://127.0.0.1:8136',
  'instanceid' => 'ocb7cfpzdzsy',
  'dbname' => 'nextcloud',
  'dbhost' => 'localhost',
  'dbtableprefix' => 'oc_',
  'mysql.utf8mb4' => true,
  'dbuser' => 'nextcloud',
  'dbpassword' => 'Wa-G1QWg6Aqxq9zdyoKXsPCt',
  'installed' => true,
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
