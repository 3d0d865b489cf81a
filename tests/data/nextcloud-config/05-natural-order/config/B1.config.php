<?php $CONFIG = ['upper' => 'B1'];
