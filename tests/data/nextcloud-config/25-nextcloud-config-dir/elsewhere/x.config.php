<?php $CONFIG = ['extra' => 'env-dir'];
