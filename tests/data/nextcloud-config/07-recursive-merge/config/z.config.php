<?php $CONFIG = ['redis' => ['host' => 'r2', 'opts' => ['b' => 3, 'c' => 4]], 'trusted_domains' => [1 => 'other.example.com', 2 => 'third']];
