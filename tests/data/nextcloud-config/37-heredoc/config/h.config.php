<?php
$CONFIG = ['h' => <<<EOT
heredoc text
EOT];
