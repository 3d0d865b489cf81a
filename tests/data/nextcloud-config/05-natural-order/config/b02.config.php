<?php $CONFIG = ['zero' => 'b02', 'dbname' => 'from-b02'];
