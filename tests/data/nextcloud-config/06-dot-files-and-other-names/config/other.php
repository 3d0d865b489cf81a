<?php $CONFIG = ['dbname' => 'other'];
