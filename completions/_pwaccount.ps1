
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'pwaccount' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'pwaccount'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'pwaccount' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Delete all of an account''s data, after a typed-code confirmation')
            [CompletionResult]::new('challenge', 'challenge', [CompletionResultType]::ParameterValue, 'Read, set or check the account''s login challenge (PWDv1r1)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write a snapshot of the account (or, with --all, of the whole database)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Put an account back as a snapshot or, on Nextcloud, one of the Passwords app''s own backups holds it')
            [CompletionResult]::new('backups', 'backups', [CompletionResultType]::ParameterValue, 'List the backups a restore can use: on Nextcloud the Passwords app''s own (manual and automatic) and pwaccount''s snapshots; on the pwaccount file its snapshots')
            [CompletionResult]::new('accounts', 'accounts', [CompletionResultType]::ParameterValue, 'List every account in the database, with what it holds')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the database: the engine''s own integrity check, then every account (or the one given with --user) for damage')
            [CompletionResult]::new('rekey', 'rekey', [CompletionResultType]::ParameterValue, 'Nextcloud: re-encrypt under the installation''s current server secret what the app encrypted under a former one')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the audit trail: every change pwaccount made, oldest first')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what the account holds: counts, challenge, encryption, pending reset')
            [CompletionResult]::new('feature', 'feature', [CompletionResultType]::ParameterValue, 'List, enable or disable server features')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script on standard output')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pwaccount;reset' {
            [CompletionResult]::new('--code', '--code', [CompletionResultType]::ParameterName, 'Confirm a reset with the code an earlier `pwaccount reset` issued (any case; surrounding spaces are ignored). It is single use')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--cancel', '--cancel', [CompletionResultType]::ParameterName, 'Withdraw the pending reset code instead (nothing else changes; recorded in the audit trail). Without a pending code this changes nothing and says so')
            [CompletionResult]::new('--no-backup', '--no-backup', [CompletionResultType]::ParameterName, 'Do not write a snapshot of the account before deleting it (by default one is written to backups/ beside the database file, on Nextcloud to appdata_<instance id>/pwaccount/backups/ in its data directory, and the reset is refused if that fails)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;challenge' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the account''s challenge: {"salts":[…],"type":"PWDv1r1"}')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Create or change the passphrase challenge; enables client-side encryption')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a passphrase or secret against the challenge; change nothing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pwaccount;challenge;get' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;challenge;set' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the new passphrase from FILE (- for standard input)')
            [CompletionResult]::new('--passphrase-env', '--passphrase-env', [CompletionResultType]::ParameterName, 'Read the new passphrase from the environment variable VAR')
            [CompletionResult]::new('--old-passphrase-file', '--old-passphrase-file', [CompletionResultType]::ParameterName, 'Read the current passphrase from FILE (- for standard input)')
            [CompletionResult]::new('--old-passphrase-env', '--old-passphrase-env', [CompletionResultType]::ParameterName, 'Read the current passphrase from the environment variable VAR')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Raw mode: read the new secret (64 hex characters) from FILE')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Raw mode: read the new secret from the environment variable VAR')
            [CompletionResult]::new('--data', '--data', [CompletionResultType]::ParameterName, 'Raw mode: the salts, as a JSON array of three hex strings')
            [CompletionResult]::new('--data-file', '--data-file', [CompletionResultType]::ParameterName, 'Raw mode: read the salts'' JSON array from FILE (- for standard input)')
            [CompletionResult]::new('--old-secret-file', '--old-secret-file', [CompletionResultType]::ParameterName, 'Raw mode: read the current secret from FILE (- for standard input)')
            [CompletionResult]::new('--old-secret-env', '--old-secret-env', [CompletionResultType]::ParameterName, 'Raw mode: read the current secret from the environment variable VAR')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;challenge;verify' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from FILE (- for standard input)')
            [CompletionResult]::new('--passphrase-env', '--passphrase-env', [CompletionResultType]::ParameterName, 'Read the passphrase from the environment variable VAR')
            [CompletionResult]::new('--secret-file', '--secret-file', [CompletionResultType]::ParameterName, 'Check a derived secret (64 hex characters) read from FILE instead')
            [CompletionResult]::new('--secret-env', '--secret-env', [CompletionResultType]::ParameterName, 'Check a derived secret read from the environment variable VAR instead')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;challenge;help' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the account''s challenge: {"salts":[…],"type":"PWDv1r1"}')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Create or change the passphrase challenge; enables client-side encryption')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a passphrase or secret against the challenge; change nothing')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pwaccount;challenge;help;get' {
            break
        }
        'pwaccount;challenge;help;set' {
            break
        }
        'pwaccount;challenge;help;verify' {
            break
        }
        'pwaccount;challenge;help;help' {
            break
        }
        'pwaccount;backup' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Copy the whole database, every account, instead of one account')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace PATH if it is an existing regular file. Never the database itself or its journal files (by any name or link), and never anything but a regular file')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;restore' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show per table what the restore would delete and write; change nothing')
            [CompletionResult]::new('--replace', '--replace', [CompletionResultType]::ParameterName, 'Replace the data of an account that is not blank')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (for scripts; never implied without a terminal)')
            [CompletionResult]::new('--other-installation', '--other-installation', [CompletionResultType]::ParameterName, 'Nextcloud: restore a snapshot written on another installation (another instance id). Allowed only where that installation had the same secrets, so that the keys in the snapshot still open here; otherwise the restore is refused with the reason')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;backups' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;accounts' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--with-challenge', '--with-challenge', [CompletionResultType]::ParameterName, 'Only accounts that have a challenge')
            [CompletionResult]::new('--without-challenge', '--without-challenge', [CompletionResultType]::ParameterName, 'Only accounts without a challenge')
            [CompletionResult]::new('--blank', '--blank', [CompletionResultType]::ParameterName, 'Only blank accounts: no passwords, folders, tags, shares or keychains, and no challenge')
            [CompletionResult]::new('--pending-reset', '--pending-reset', [CompletionResultType]::ParameterName, 'Only accounts with a reset code pending')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;check' {
            [CompletionResult]::new('--old-secret-file', '--old-secret-file', [CompletionResultType]::ParameterName, 'Nextcloud: the installation''s former server secret (the `secret`, or `passwords.secret`, of the config.php the items were written under), read from FILE (- for standard input)')
            [CompletionResult]::new('--old-secret-env', '--old-secret-env', [CompletionResultType]::ParameterName, 'Nextcloud: the installation''s former server secret, read from the environment variable VAR')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Check every account (the default unless --user or PWACCOUNT_USER names one)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;rekey' {
            [CompletionResult]::new('--old-secret-file', '--old-secret-file', [CompletionResultType]::ParameterName, 'Nextcloud: the installation''s former server secret (the `secret`, or `passwords.secret`, of the config.php the items were written under), read from FILE (- for standard input)')
            [CompletionResult]::new('--old-secret-env', '--old-secret-env', [CompletionResultType]::ParameterName, 'Nextcloud: the installation''s former server secret, read from the environment variable VAR')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show what would be re-encrypted, per user and kind of item; change nothing')
            [CompletionResult]::new('--only-openable', '--only-openable', [CompletionResultType]::ParameterName, 'Re-encrypt what opens with the old secret even when some items open with neither secret (those are left as they are and listed)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Confirm without a terminal (scripts). At a terminal, the plan is shown and you are asked to type yes')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;log' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'Only records from this time on: Unix seconds, a UTC date or date and time (2026-11-28, 2026-11-28T19:30:00Z), or a span before now (30m, 12h, 7d, 2w)')
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every account''s records (the default unless --user or PWACCOUNT_USER names one)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;status' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;feature' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the features and whether each is enabled')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable a feature')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable a feature. Disabling client-side-encryption makes `challenge set` fail')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pwaccount;feature;list' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'pwaccount;feature;enable' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;feature;disable' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;feature;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the features and whether each is enabled')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable a feature')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable a feature. Disabling client-side-encryption makes `challenge set` fail')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pwaccount;feature;help;list' {
            break
        }
        'pwaccount;feature;help;enable' {
            break
        }
        'pwaccount;feature;help;disable' {
            break
        }
        'pwaccount;feature;help;help' {
            break
        }
        'pwaccount;completions' {
            [CompletionResult]::new('--db', '--db', [CompletionResultType]::ParameterName, 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]')
            [CompletionResult]::new('--nextcloud', '--nextcloud', [CompletionResultType]::ParameterName, 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)')
            [CompletionResult]::new('-u', '-u', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]')
            [CompletionResult]::new('--busy-timeout', '--busy-timeout', [CompletionResultType]::ParameterName, 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8')
            [CompletionResult]::new('--server-timeout', '--server-timeout', [CompletionResultType]::ParameterName, 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed')
            [CompletionResult]::new('--accept-unverified-app', '--accept-unverified-app', [CompletionResultType]::ParameterName, 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print exactly one JSON object on standard output, also on failure')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only errors on standard error; no notes or summaries')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'pwaccount;help' {
            [CompletionResult]::new('reset', 'reset', [CompletionResultType]::ParameterValue, 'Delete all of an account''s data, after a typed-code confirmation')
            [CompletionResult]::new('challenge', 'challenge', [CompletionResultType]::ParameterValue, 'Read, set or check the account''s login challenge (PWDv1r1)')
            [CompletionResult]::new('backup', 'backup', [CompletionResultType]::ParameterValue, 'Write a snapshot of the account (or, with --all, of the whole database)')
            [CompletionResult]::new('restore', 'restore', [CompletionResultType]::ParameterValue, 'Put an account back as a snapshot or, on Nextcloud, one of the Passwords app''s own backups holds it')
            [CompletionResult]::new('backups', 'backups', [CompletionResultType]::ParameterValue, 'List the backups a restore can use: on Nextcloud the Passwords app''s own (manual and automatic) and pwaccount''s snapshots; on the pwaccount file its snapshots')
            [CompletionResult]::new('accounts', 'accounts', [CompletionResultType]::ParameterValue, 'List every account in the database, with what it holds')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check the database: the engine''s own integrity check, then every account (or the one given with --user) for damage')
            [CompletionResult]::new('rekey', 'rekey', [CompletionResultType]::ParameterValue, 'Nextcloud: re-encrypt under the installation''s current server secret what the app encrypted under a former one')
            [CompletionResult]::new('log', 'log', [CompletionResultType]::ParameterValue, 'Show the audit trail: every change pwaccount made, oldest first')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show what the account holds: counts, challenge, encryption, pending reset')
            [CompletionResult]::new('feature', 'feature', [CompletionResultType]::ParameterValue, 'List, enable or disable server features')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script on standard output')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'pwaccount;help;reset' {
            break
        }
        'pwaccount;help;challenge' {
            [CompletionResult]::new('get', 'get', [CompletionResultType]::ParameterValue, 'Print the account''s challenge: {"salts":[…],"type":"PWDv1r1"}')
            [CompletionResult]::new('set', 'set', [CompletionResultType]::ParameterValue, 'Create or change the passphrase challenge; enables client-side encryption')
            [CompletionResult]::new('verify', 'verify', [CompletionResultType]::ParameterValue, 'Check a passphrase or secret against the challenge; change nothing')
            break
        }
        'pwaccount;help;challenge;get' {
            break
        }
        'pwaccount;help;challenge;set' {
            break
        }
        'pwaccount;help;challenge;verify' {
            break
        }
        'pwaccount;help;backup' {
            break
        }
        'pwaccount;help;restore' {
            break
        }
        'pwaccount;help;backups' {
            break
        }
        'pwaccount;help;accounts' {
            break
        }
        'pwaccount;help;check' {
            break
        }
        'pwaccount;help;rekey' {
            break
        }
        'pwaccount;help;log' {
            break
        }
        'pwaccount;help;status' {
            break
        }
        'pwaccount;help;feature' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the features and whether each is enabled')
            [CompletionResult]::new('enable', 'enable', [CompletionResultType]::ParameterValue, 'Enable a feature')
            [CompletionResult]::new('disable', 'disable', [CompletionResultType]::ParameterValue, 'Disable a feature. Disabling client-side-encryption makes `challenge set` fail')
            break
        }
        'pwaccount;help;feature;list' {
            break
        }
        'pwaccount;help;feature;enable' {
            break
        }
        'pwaccount;help;feature;disable' {
            break
        }
        'pwaccount;help;completions' {
            break
        }
        'pwaccount;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
