<?php
$CONFIG = [
  'installed' => true,
  'dbtype' => 'sqlite',
  'list' => ['a', 'b',],
];
