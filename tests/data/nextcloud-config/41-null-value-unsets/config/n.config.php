<?php $CONFIG = ['dbname' => null, 'secret' => NULL];
