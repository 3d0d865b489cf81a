<?php $CONFIG = ['mixed' => ['now' => 'array'], 'mixed2' => 'now text'];
