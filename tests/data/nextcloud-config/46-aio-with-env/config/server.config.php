<?php
$CONFIG = array (
  'serverid' => hexdec(hash('xxh32', gethostname())) & 0x1FF,
);
