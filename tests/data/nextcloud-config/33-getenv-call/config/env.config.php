<?php
$CONFIG = ['dbhost' => getenv('DB_HOST')];
