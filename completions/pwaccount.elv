
use builtin;
use str;

set edit:completion:arg-completer[pwaccount] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'pwaccount'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'pwaccount'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand reset 'Delete all of an account''s data, after a typed-code confirmation'
            cand challenge 'Read, set or check the account''s login challenge (PWDv1r1)'
            cand backup 'Write a snapshot of the account (or, with --all, of the whole database)'
            cand restore 'Put an account back as a snapshot or, on Nextcloud, one of the Passwords app''s own backups holds it'
            cand backups 'List the backups a restore can use: on Nextcloud the Passwords app''s own (manual and automatic) and pwaccount''s snapshots; on the pwaccount file its snapshots'
            cand accounts 'List every account in the database, with what it holds'
            cand check 'Check the database: the engine''s own integrity check, then every account (or the one given with --user) for damage'
            cand rekey 'Nextcloud: re-encrypt under the installation''s current server secret what the app encrypted under a former one'
            cand log 'Show the audit trail: every change pwaccount made, oldest first'
            cand status 'Show what the account holds: counts, challenge, encryption, pending reset'
            cand feature 'List, enable or disable server features'
            cand completions 'Print a shell completion script on standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pwaccount;reset'= {
            cand --code 'Confirm a reset with the code an earlier `pwaccount reset` issued (any case; surrounding spaces are ignored). It is single use'
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --cancel 'Withdraw the pending reset code instead (nothing else changes; recorded in the audit trail). Without a pending code this changes nothing and says so'
            cand --no-backup 'Do not write a snapshot of the account before deleting it (by default one is written to backups/ beside the database file, on Nextcloud to appdata_<instance id>/pwaccount/backups/ in its data directory, and the reset is refused if that fails)'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;challenge'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help'
            cand --help 'Print help'
            cand get 'Print the account''s challenge: {"salts":[…],"type":"PWDv1r1"}'
            cand set 'Create or change the passphrase challenge; enables client-side encryption'
            cand verify 'Check a passphrase or secret against the challenge; change nothing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pwaccount;challenge;get'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;challenge;set'= {
            cand --passphrase-file 'Read the new passphrase from FILE (- for standard input)'
            cand --passphrase-env 'Read the new passphrase from the environment variable VAR'
            cand --old-passphrase-file 'Read the current passphrase from FILE (- for standard input)'
            cand --old-passphrase-env 'Read the current passphrase from the environment variable VAR'
            cand --secret-file 'Raw mode: read the new secret (64 hex characters) from FILE'
            cand --secret-env 'Raw mode: read the new secret from the environment variable VAR'
            cand --data 'Raw mode: the salts, as a JSON array of three hex strings'
            cand --data-file 'Raw mode: read the salts'' JSON array from FILE (- for standard input)'
            cand --old-secret-file 'Raw mode: read the current secret from FILE (- for standard input)'
            cand --old-secret-env 'Raw mode: read the current secret from the environment variable VAR'
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;challenge;verify'= {
            cand --passphrase-file 'Read the passphrase from FILE (- for standard input)'
            cand --passphrase-env 'Read the passphrase from the environment variable VAR'
            cand --secret-file 'Check a derived secret (64 hex characters) read from FILE instead'
            cand --secret-env 'Check a derived secret read from the environment variable VAR instead'
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;challenge;help'= {
            cand get 'Print the account''s challenge: {"salts":[…],"type":"PWDv1r1"}'
            cand set 'Create or change the passphrase challenge; enables client-side encryption'
            cand verify 'Check a passphrase or secret against the challenge; change nothing'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pwaccount;challenge;help;get'= {
        }
        &'pwaccount;challenge;help;set'= {
        }
        &'pwaccount;challenge;help;verify'= {
        }
        &'pwaccount;challenge;help;help'= {
        }
        &'pwaccount;backup'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --all 'Copy the whole database, every account, instead of one account'
            cand --force 'Replace PATH if it is an existing regular file. Never the database itself or its journal files (by any name or link), and never anything but a regular file'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;restore'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --dry-run 'Show per table what the restore would delete and write; change nothing'
            cand --replace 'Replace the data of an account that is not blank'
            cand --yes 'Do not ask for confirmation (for scripts; never implied without a terminal)'
            cand --other-installation 'Nextcloud: restore a snapshot written on another installation (another instance id). Allowed only where that installation had the same secrets, so that the keys in the snapshot still open here; otherwise the restore is refused with the reason'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;backups'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;accounts'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --with-challenge 'Only accounts that have a challenge'
            cand --without-challenge 'Only accounts without a challenge'
            cand --blank 'Only blank accounts: no passwords, folders, tags, shares or keychains, and no challenge'
            cand --pending-reset 'Only accounts with a reset code pending'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;check'= {
            cand --old-secret-file 'Nextcloud: the installation''s former server secret (the `secret`, or `passwords.secret`, of the config.php the items were written under), read from FILE (- for standard input)'
            cand --old-secret-env 'Nextcloud: the installation''s former server secret, read from the environment variable VAR'
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --all 'Check every account (the default unless --user or PWACCOUNT_USER names one)'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;rekey'= {
            cand --old-secret-file 'Nextcloud: the installation''s former server secret (the `secret`, or `passwords.secret`, of the config.php the items were written under), read from FILE (- for standard input)'
            cand --old-secret-env 'Nextcloud: the installation''s former server secret, read from the environment variable VAR'
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --dry-run 'Show what would be re-encrypted, per user and kind of item; change nothing'
            cand --only-openable 'Re-encrypt what opens with the old secret even when some items open with neither secret (those are left as they are and listed)'
            cand --yes 'Confirm without a terminal (scripts). At a terminal, the plan is shown and you are asked to type yes'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;log'= {
            cand --since 'Only records from this time on: Unix seconds, a UTC date or date and time (2026-11-28, 2026-11-28T19:30:00Z), or a span before now (30m, 12h, 7d, 2w)'
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --all 'Every account''s records (the default unless --user or PWACCOUNT_USER names one)'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;status'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;feature'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help'
            cand --help 'Print help'
            cand list 'List the features and whether each is enabled'
            cand enable 'Enable a feature'
            cand disable 'Disable a feature. Disabling client-side-encryption makes `challenge set` fail'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pwaccount;feature;list'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'pwaccount;feature;enable'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;feature;disable'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;feature;help'= {
            cand list 'List the features and whether each is enabled'
            cand enable 'Enable a feature'
            cand disable 'Disable a feature. Disabling client-side-encryption makes `challenge set` fail'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pwaccount;feature;help;list'= {
        }
        &'pwaccount;feature;help;enable'= {
        }
        &'pwaccount;feature;help;disable'= {
        }
        &'pwaccount;feature;help;help'= {
        }
        &'pwaccount;completions'= {
            cand --db 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]'
            cand --nextcloud 'A Nextcloud installation to work on instead: its folder or its config/config.php. pwaccount reads its configuration as Nextcloud does and uses the Passwords app''s own tables, as the app does, through its database (SQLite, PostgreSQL or MySQL/MariaDB; not for backup --all or feature)'
            cand -u 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --user 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]'
            cand --busy-timeout 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database''s write lock before giving up with exit status 8'
            cand --server-timeout 'Nextcloud on a database server: how long, in seconds (1 to 3600), the server may take to answer: to accept the connection, TLS and the login together, and each statement (plus --busy-timeout, as a statement may wait for a lock). A server that does not answer in time ends the command with exit status 8; nothing is committed'
            cand --accept-unverified-app 'Nextcloud: allow changes on a Passwords app version this build was not verified with, naming that installed version exactly (as `status` shows it); only where the tables pwaccount writes have exactly the columns of a verified version. Every such change''s audit record says so'
            cand --json 'Print exactly one JSON object on standard output, also on failure'
            cand --no-input 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
            cand -q 'Print only errors on standard error; no notes or summaries'
            cand --quiet 'Print only errors on standard error; no notes or summaries'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'pwaccount;help'= {
            cand reset 'Delete all of an account''s data, after a typed-code confirmation'
            cand challenge 'Read, set or check the account''s login challenge (PWDv1r1)'
            cand backup 'Write a snapshot of the account (or, with --all, of the whole database)'
            cand restore 'Put an account back as a snapshot or, on Nextcloud, one of the Passwords app''s own backups holds it'
            cand backups 'List the backups a restore can use: on Nextcloud the Passwords app''s own (manual and automatic) and pwaccount''s snapshots; on the pwaccount file its snapshots'
            cand accounts 'List every account in the database, with what it holds'
            cand check 'Check the database: the engine''s own integrity check, then every account (or the one given with --user) for damage'
            cand rekey 'Nextcloud: re-encrypt under the installation''s current server secret what the app encrypted under a former one'
            cand log 'Show the audit trail: every change pwaccount made, oldest first'
            cand status 'Show what the account holds: counts, challenge, encryption, pending reset'
            cand feature 'List, enable or disable server features'
            cand completions 'Print a shell completion script on standard output'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'pwaccount;help;reset'= {
        }
        &'pwaccount;help;challenge'= {
            cand get 'Print the account''s challenge: {"salts":[…],"type":"PWDv1r1"}'
            cand set 'Create or change the passphrase challenge; enables client-side encryption'
            cand verify 'Check a passphrase or secret against the challenge; change nothing'
        }
        &'pwaccount;help;challenge;get'= {
        }
        &'pwaccount;help;challenge;set'= {
        }
        &'pwaccount;help;challenge;verify'= {
        }
        &'pwaccount;help;backup'= {
        }
        &'pwaccount;help;restore'= {
        }
        &'pwaccount;help;backups'= {
        }
        &'pwaccount;help;accounts'= {
        }
        &'pwaccount;help;check'= {
        }
        &'pwaccount;help;rekey'= {
        }
        &'pwaccount;help;log'= {
        }
        &'pwaccount;help;status'= {
        }
        &'pwaccount;help;feature'= {
            cand list 'List the features and whether each is enabled'
            cand enable 'Enable a feature'
            cand disable 'Disable a feature. Disabling client-side-encryption makes `challenge set` fail'
        }
        &'pwaccount;help;feature;list'= {
        }
        &'pwaccount;help;feature;enable'= {
        }
        &'pwaccount;help;feature;disable'= {
        }
        &'pwaccount;help;completions'= {
        }
        &'pwaccount;help;help'= {
        }
    ]
    $completions[$command]
}
