<?php
$CONFIG['dbname'] = 'assigned';
