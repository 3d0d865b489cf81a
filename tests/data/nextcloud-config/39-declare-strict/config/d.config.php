<?php
declare(strict_types=1);
$CONFIG = ['strict' => true];
