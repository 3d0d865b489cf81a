<?php $CONFIG = ['dbname' => 'from-b10', 'order' => ['b10']];
