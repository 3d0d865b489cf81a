<?php $AUTOCONFIG = ['dbname' => 'auto'];
