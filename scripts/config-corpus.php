<?php
// Writes what Nextcloud's own configuration class reads from one case of
// tests/data/nextcloud-config: php config-corpus.php NEXTCLOUD_TREE CASE_DIR OUT_FILE
// (run by scripts/config-corpus.sh with the case's environment). OUT_FILE gets
// {"values": {key: value as getValue returns it}} or {"error": message}; text that is not
// UTF-8 is marked as pwaccount marks it. Output of the configuration files themselves goes
// to standard output, unbuffered, as under occ, so that Nextcloud sees it as occ does.
namespace OCP {
    class HintException extends \Exception {}
    class Util { public static function sanitizeHTML($s) { return $s; } }
}
namespace {
    define('OC_CONSOLE', 1);
    class OC { public static $SERVERROOT = '/var/www/html'; public static $configDir = ''; }
    [, $tree, $case, $out] = $argv;
    require $tree . '/lib/private/Config.php';
    $dir = getenv('NEXTCLOUD_CONFIG_DIR');
    $dir = $dir ? rtrim($dir, '/') . '/' : $case . '/config/';
    OC::$configDir = $dir;
    function mark($v) {
        if (is_string($v) && !preg_match('//u', $v)) { return ["\0pwaccount:non-utf8" => true]; }
        if (is_array($v)) { foreach ($v as $k => $x) { $v[$k] = mark($x); } }
        return $v;
    }
    register_shutdown_function(function () use ($out) {
        // die() in the class (a file it cannot open) ends here without a result.
        if (!file_exists($out)) { file_put_contents($out, json_encode(['error' => 'Nextcloud stopped'])); }
    });
    try {
        $config = new \OC\Config($dir);
        $values = [];
        foreach ($config->getKeys() as $key) {
            $value = $config->getValue($key);
            if ($value !== null) { $values[$key] = $value; }
        }
        ksort($values, SORT_STRING);
        $result = ['values' => mark($values)];
    } catch (\Throwable $e) {
        $result = ['error' => get_class($e) . ': ' . $e->getMessage()];
    }
    file_put_contents($out, json_encode($result, JSON_FORCE_OBJECT | JSON_PRESERVE_ZERO_FRACTION | JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
}
