<?php /* a */ $CONFIG /* b */ = # c
 array ( // d
 'installed' /* e */ => /* f */ true , # g
 'dbtype' => 'sqlite' /* h */ , ) /* i */ ; // j
