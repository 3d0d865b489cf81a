<?php $CONFIG = ['dbname' => 'from-a', 'order' => ['a'], 'aonly' => true];
