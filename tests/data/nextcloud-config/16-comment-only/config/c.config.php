<?php
// nothing here
# nor here
/* or here */
