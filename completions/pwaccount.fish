# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_pwaccount_global_optspecs
    string join \n db= u/user= json no-input q/quiet busy-timeout= h/help V/version
end

function __fish_pwaccount_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_pwaccount_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_pwaccount_using_subcommand
    set -l cmd (__fish_pwaccount_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c pwaccount -n "__fish_pwaccount_needs_command" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_needs_command" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_needs_command" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_needs_command" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -s V -l version -d 'Print version'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -f -a "reset" -d 'Delete all of an account\'s data and settings, after a typed-code confirmation'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -f -a "challenge" -d 'Read, set or check the account\'s login challenge (PWDv1r1)'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -f -a "backup" -d 'Write a snapshot of the account (or, with --all, of the whole database)'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -f -a "restore" -d 'Put an account back as a snapshot holds it'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -f -a "status" -d 'Show what the account holds: counts, challenge, encryption, pending reset'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -f -a "feature" -d 'List, enable or disable server features'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -f -a "completions" -d 'Print a shell completion script on standard output'
complete -c pwaccount -n "__fish_pwaccount_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand reset" -l code -d 'Confirm a reset with the code an earlier `pwaccount reset` issued (any case; surrounding spaces are ignored). It is single use' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand reset" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand reset" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand reset" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand reset" -l no-backup -d 'Do not write a snapshot of the account before deleting it (by default one is written to backups/ beside the database file, and the reset is refused if that fails)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand reset" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand reset" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand reset" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand reset" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -s h -l help -d 'Print help'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -f -a "get" -d 'Print the account\'s challenge: {"salts":[…],"type":"PWDv1r1"}'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -f -a "set" -d 'Create or change the passphrase challenge; enables client-side encryption'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -f -a "verify" -d 'Check a passphrase or secret against the challenge; change nothing'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and not __fish_seen_subcommand_from get set verify help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from get" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from get" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from get" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from get" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from get" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l passphrase-file -d 'Read the new passphrase from FILE (- for standard input)' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l passphrase-env -d 'Read the new passphrase from the environment variable VAR' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l old-passphrase-file -d 'Read the current passphrase from FILE (- for standard input)' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l old-passphrase-env -d 'Read the current passphrase from the environment variable VAR' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l secret-file -d 'Raw mode: read the new secret (64 hex characters) from FILE' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l secret-env -d 'Raw mode: read the new secret from the environment variable VAR' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l data -d 'Raw mode: the salts, as a JSON array of three hex strings' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l data-file -d 'Raw mode: read the salts\' JSON array from FILE (- for standard input)' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l old-secret-file -d 'Raw mode: read the current secret from FILE (- for standard input)' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l old-secret-env -d 'Raw mode: read the current secret from the environment variable VAR' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -l passphrase-file -d 'Read the passphrase from FILE (- for standard input)' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -l passphrase-env -d 'Read the passphrase from the environment variable VAR' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -l secret-file -d 'Check a derived secret (64 hex characters) read from FILE instead' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -l secret-env -d 'Check a derived secret read from the environment variable VAR instead' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from verify" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from help" -f -a "get" -d 'Print the account\'s challenge: {"salts":[…],"type":"PWDv1r1"}'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from help" -f -a "set" -d 'Create or change the passphrase challenge; enables client-side encryption'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from help" -f -a "verify" -d 'Check a passphrase or secret against the challenge; change nothing'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand challenge; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand backup" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand backup" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand backup" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand backup" -l all -d 'Copy the whole database, every account, instead of one account'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand backup" -l force -d 'Replace PATH if it is an existing regular file. Never the database itself or its journal files (by any name or link), and never anything but a regular file'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand backup" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand backup" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand backup" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand backup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand restore" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand restore" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand restore" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand restore" -l replace -d 'Replace the data of an account that is not blank'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand restore" -l yes -d 'Do not ask for confirmation (for scripts; never implied without a terminal)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand restore" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand restore" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand restore" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand restore" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand status" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand status" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand status" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand status" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand status" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand status" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -s h -l help -d 'Print help'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -f -a "list" -d 'List the features and whether each is enabled'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -f -a "enable" -d 'Enable a feature'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -f -a "disable" -d 'Disable a feature. Disabling client-side-encryption makes `challenge set` fail'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and not __fish_seen_subcommand_from list enable disable help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from list" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from list" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from list" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from list" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from list" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from enable" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from enable" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from enable" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from enable" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from enable" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from disable" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from disable" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from disable" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from disable" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from disable" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the features and whether each is enabled'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from help" -f -a "enable" -d 'Enable a feature'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from help" -f -a "disable" -d 'Disable a feature. Disabling client-side-encryption makes `challenge set` fail'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand feature; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand completions" -l db -d 'The account database file. Created (mode 0600) if it does not exist. [default: accounts.sqlite in the platform data directory, e.g. ~/.local/share/pwaccount]' -r -F
complete -c pwaccount -n "__fish_pwaccount_using_subcommand completions" -s u -l user -d 'The account to work on: 1 to 64 characters, no control characters. [default: the login name from USER, then LOGNAME]' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand completions" -l busy-timeout -d 'How long to wait, in milliseconds (0 to 3600000, one hour), for another program that holds the database\'s write lock before giving up with exit status 8' -r
complete -c pwaccount -n "__fish_pwaccount_using_subcommand completions" -l json -d 'Print exactly one JSON object on standard output, also on failure'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand completions" -l no-input -d 'Never prompt. A command that needs an answer fails with exit status 2 and names the flag that supplies it. Prompts are also skipped when standard input or standard error is not a terminal'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand completions" -s q -l quiet -d 'Print only errors on standard error; no notes or summaries'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and not __fish_seen_subcommand_from reset challenge backup restore status feature completions help" -f -a "reset" -d 'Delete all of an account\'s data and settings, after a typed-code confirmation'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and not __fish_seen_subcommand_from reset challenge backup restore status feature completions help" -f -a "challenge" -d 'Read, set or check the account\'s login challenge (PWDv1r1)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and not __fish_seen_subcommand_from reset challenge backup restore status feature completions help" -f -a "backup" -d 'Write a snapshot of the account (or, with --all, of the whole database)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and not __fish_seen_subcommand_from reset challenge backup restore status feature completions help" -f -a "restore" -d 'Put an account back as a snapshot holds it'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and not __fish_seen_subcommand_from reset challenge backup restore status feature completions help" -f -a "status" -d 'Show what the account holds: counts, challenge, encryption, pending reset'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and not __fish_seen_subcommand_from reset challenge backup restore status feature completions help" -f -a "feature" -d 'List, enable or disable server features'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and not __fish_seen_subcommand_from reset challenge backup restore status feature completions help" -f -a "completions" -d 'Print a shell completion script on standard output'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and not __fish_seen_subcommand_from reset challenge backup restore status feature completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and __fish_seen_subcommand_from challenge" -f -a "get" -d 'Print the account\'s challenge: {"salts":[…],"type":"PWDv1r1"}'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and __fish_seen_subcommand_from challenge" -f -a "set" -d 'Create or change the passphrase challenge; enables client-side encryption'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and __fish_seen_subcommand_from challenge" -f -a "verify" -d 'Check a passphrase or secret against the challenge; change nothing'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and __fish_seen_subcommand_from feature" -f -a "list" -d 'List the features and whether each is enabled'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and __fish_seen_subcommand_from feature" -f -a "enable" -d 'Enable a feature'
complete -c pwaccount -n "__fish_pwaccount_using_subcommand help; and __fish_seen_subcommand_from feature" -f -a "disable" -d 'Disable a feature. Disabling client-side-encryption makes `challenge set` fail'
