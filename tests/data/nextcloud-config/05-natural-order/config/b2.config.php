<?php $CONFIG = ['dbname' => 'from-b2', 'order' => ['b2'], 'b2only' => 1];
