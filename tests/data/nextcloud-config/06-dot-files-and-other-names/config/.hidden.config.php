<?php $CONFIG = ['dbname' => 'hidden'];
