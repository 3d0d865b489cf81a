<?php
$CONFIG = ARRAY (
  'installed' => TRUE,
  'x' => NULL,
  'y' => False,
  'z' => \true,
  'dbtype' => 'sqlite',
);
