<?php
$v = 'x';
$CONFIG = ['i' => "{$v}y"];
