<?php
$CONFIG = ['a' => 1];
$CONFIG = ['b' => 2];
