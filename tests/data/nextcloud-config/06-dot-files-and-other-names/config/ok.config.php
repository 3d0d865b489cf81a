<?php $CONFIG = ['ok' => 'yes'];
