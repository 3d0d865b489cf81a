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
  'passwordsalt' => 'dORjE0sQZ6Z7YzmH9xDgAdTve5ACF8',
  'secret' => 'changed-phX08QrGwOJ4bm5RAnOa5MUx6c68Ioha',
  'trusted_domains' => 
  array (
    0 => 'localhost',
    1 => '127.0.0.1',
    2 => '127.0.0.1:8135',
    3 => 'localhost:8135',
  ),
  'datadirectory' => '/srv/nextcloud/data',
  'dbtype' => 'pgsql',
  'version' => '34.0.1.2',
  'overwrite.cli.url' => 'http://127.0.0.1:8135',
  'instanceid' => 'ocfb7pkciu1f',
  'dbname' => 'nextcloud',
  'dbhost' => 'localhost',
  'dbtableprefix' => 'oc_',
  'dbuser' => 'nextcloud',
  'dbpassword' => 'aNxF9tL-LxMI3Lst2Us2S8hD',
  'installed' => true,
  'overwriteprotocol' => 'https',
  'skeletondirectory' => '',
  'templatedirectory' => '',
  'appstoreenabled' => false,
  'has_internet_connection' => false,
  'loglevel' => 2,
  'auth.bruteforce.protection.enabled' => false,
);
