# fish completion for endorse(1): the commands, each command's options, key
# files for --key. tests/meta/man.py checks that it names every command and
# every option its --help prints.

set -l endorse_commands keygen key init document sign withdraw rotate revoke rechain verify audit domain confirm policy checkpoint cosign witness prove verify-proof tiles note tree
complete -c endorse -f
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -s C -r -a '(__fish_complete_directories)' -d 'run as if started in DIR'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -l help -d 'list the commands'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -s V -l version -d 'print the version'

complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a keygen -d 'generate a key pair (organization, log or witness)'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a key -d 'convert keys to and from the Go note format'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a init -d 'create a log: keys/policy and its first document'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a document -d 'register a new version of a document'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a sign -d 'endorse a document version as an organization'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a withdraw -d 'end an organization\'s endorsement'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a rotate -d 'replace an organization\'s key'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a revoke -d 'revoke a key'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a rechain -d 'move a branch\'s new entries after another branch\'s'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a verify -d 'check the log, its git history, or a pull request'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a audit -d 'list who endorses which document version'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a domain -d 'publish a key through a domain, and check it live'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a confirm -d 'record in the log that a domain publishes its key'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a policy -d 'show keys/policy, add a witness, set the quorum'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a checkpoint -d 'sign a checkpoint of the log (log operator)'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a cosign -d 'cosign the log\'s checkpoint as a witness'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a witness -d 'ask the witnesses to cosign (request), or be one (serve)'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a prove -d 'print an offline proof that an entry is in the log'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a verify-proof -d 'check an offline proof with no repository'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a tiles -d 'write the log as C2SP tlog-tiles for a static web host'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a note -d 'sign and verify C2SP signed notes'
complete -c endorse -n "not __fish_seen_subcommand_from $endorse_commands" -a tree -d 'RFC 6962 roots and proofs of lines on standard input'
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l force
complete -c endorse -n '__fish_seen_subcommand_from keygen' -s p -r -F
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l public -r -F
complete -c endorse -n '__fish_seen_subcommand_from keygen' -s s -r -F
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l secret -r -F
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l ssh-agent
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l pkcs11 -r
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l pkcs11-module -r -F
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l pin-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l generate
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l unencrypted
complete -c endorse -n '__fish_seen_subcommand_from keygen' -l witness
complete -c endorse -n '__fish_seen_subcommand_from key' -a 'show export-go import-go'
complete -c endorse -n '__fish_seen_subcommand_from key' -l force
complete -c endorse -n '__fish_seen_subcommand_from key' -s p -r -F
complete -c endorse -n '__fish_seen_subcommand_from key' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from key' -l public -r -F
complete -c endorse -n '__fish_seen_subcommand_from key' -s s -r -F
complete -c endorse -n '__fish_seen_subcommand_from key' -l secret -r -F
complete -c endorse -n '__fish_seen_subcommand_from key' -l unencrypted
complete -c endorse -n '__fish_seen_subcommand_from init' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from init' -l action -r
complete -c endorse -n '__fish_seen_subcommand_from init' -l document -r -F
complete -c endorse -n '__fish_seen_subcommand_from init' -l id
complete -c endorse -n '__fish_seen_subcommand_from init' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from init' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from init' -l no-workflow
complete -c endorse -n '__fish_seen_subcommand_from init' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from init' -l time
complete -c endorse -n '__fish_seen_subcommand_from init' -l title
complete -c endorse -n '__fish_seen_subcommand_from init' -l url
complete -c endorse -n '__fish_seen_subcommand_from document' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from document' -l document -r -F
complete -c endorse -n '__fish_seen_subcommand_from document' -l id
complete -c endorse -n '__fish_seen_subcommand_from document' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from document' -l new-document
complete -c endorse -n '__fish_seen_subcommand_from document' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from document' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from document' -l time
complete -c endorse -n '__fish_seen_subcommand_from document' -l title
complete -c endorse -n '__fish_seen_subcommand_from document' -l url
complete -c endorse -n '__fish_seen_subcommand_from sign' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from sign' -l document -r -F
complete -c endorse -n '__fish_seen_subcommand_from sign' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from sign' -l name
complete -c endorse -n '__fish_seen_subcommand_from sign' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from sign' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from sign' -l reaffirm
complete -c endorse -n '__fish_seen_subcommand_from sign' -l time
complete -c endorse -n '__fish_seen_subcommand_from sign' -l url
complete -c endorse -n '__fish_seen_subcommand_from withdraw' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from withdraw' -l document -r -F
complete -c endorse -n '__fish_seen_subcommand_from withdraw' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from withdraw' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from withdraw' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from withdraw' -l time
complete -c endorse -n '__fish_seen_subcommand_from rotate' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from rotate' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from rotate' -l new-key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from rotate' -l new-passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from rotate' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from rotate' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from rotate' -l time
complete -c endorse -n '__fish_seen_subcommand_from revoke' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from revoke' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from revoke' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from revoke' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from revoke' -l reason
complete -c endorse -n '__fish_seen_subcommand_from revoke' -l target -r -F
complete -c endorse -n '__fish_seen_subcommand_from revoke' -l time
complete -c endorse -n '__fish_seen_subcommand_from rechain' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from rechain' -l onto
complete -c endorse -n '__fish_seen_subcommand_from verify' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from verify' -l allow-pending
complete -c endorse -n '__fish_seen_subcommand_from verify' -l base
complete -c endorse -n '__fish_seen_subcommand_from verify' -l format -x -a 'text json github'
complete -c endorse -n '__fish_seen_subcommand_from verify' -l history
complete -c endorse -n '__fish_seen_subcommand_from verify' -s j
complete -c endorse -n '__fish_seen_subcommand_from verify' -l jobs
complete -c endorse -n '__fish_seen_subcommand_from verify' -l log-key -r -F
complete -c endorse -n '__fish_seen_subcommand_from audit' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from audit' -l document -r -F
complete -c endorse -n '__fish_seen_subcommand_from audit' -l format -x -a 'table json csv markdown html jekyll'
complete -c endorse -n '__fish_seen_subcommand_from audit' -l log-key -r -F
complete -c endorse -n '__fish_seen_subcommand_from audit' -l org
complete -c endorse -n '__fish_seen_subcommand_from audit' -l output -r -F
complete -c endorse -n '__fish_seen_subcommand_from audit' -l since
complete -c endorse -n '__fish_seen_subcommand_from domain' -a 'check publish'
complete -c endorse -n '__fish_seen_subcommand_from domain' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from domain' -l base
complete -c endorse -n '__fish_seen_subcommand_from domain' -l cacert -r -F
complete -c endorse -n '__fish_seen_subcommand_from domain' -l connect-to
complete -c endorse -n '__fish_seen_subcommand_from domain' -l dns-server
complete -c endorse -n '__fish_seen_subcommand_from domain' -l format -x -a 'text json github'
complete -c endorse -n '__fish_seen_subcommand_from domain' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from domain' -l method -x -a 'https dns any'
complete -c endorse -n '__fish_seen_subcommand_from domain' -l resolve
complete -c endorse -n '__fish_seen_subcommand_from domain' -l timeout
complete -c endorse -n '__fish_seen_subcommand_from confirm' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from confirm' -l cacert -r -F
complete -c endorse -n '__fish_seen_subcommand_from confirm' -l connect-to
complete -c endorse -n '__fish_seen_subcommand_from confirm' -l dns-server
complete -c endorse -n '__fish_seen_subcommand_from confirm' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from confirm' -l method -x -a 'https dns any'
complete -c endorse -n '__fish_seen_subcommand_from confirm' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from confirm' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from confirm' -l resolve
complete -c endorse -n '__fish_seen_subcommand_from confirm' -l timeout
complete -c endorse -n '__fish_seen_subcommand_from policy' -a 'add-witness set-quorum show'
complete -c endorse -n '__fish_seen_subcommand_from policy' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from policy' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from checkpoint' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from checkpoint' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from checkpoint' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from checkpoint' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from cosign' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from cosign' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from cosign' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from cosign' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from cosign' -l state -r -F
complete -c endorse -n '__fish_seen_subcommand_from cosign' -l time
complete -c endorse -n '__fish_seen_subcommand_from witness' -a 'request serve'
complete -c endorse -n '__fish_seen_subcommand_from witness' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from witness' -l timeout -r
complete -c endorse -n '__fish_seen_subcommand_from witness' -l cacert -r -F
complete -c endorse -n '__fish_seen_subcommand_from witness' -l no-commit
complete -c endorse -n '__fish_seen_subcommand_from witness' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from witness' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from witness' -l listen -r
complete -c endorse -n '__fish_seen_subcommand_from witness' -l logs -r -F
complete -c endorse -n '__fish_seen_subcommand_from witness' -l state -r -F
complete -c endorse -n '__fish_seen_subcommand_from prove' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from verify-proof' -l entry -r -F
complete -c endorse -n '__fish_seen_subcommand_from verify-proof' -l policy -r -F
complete -c endorse -n '__fish_seen_subcommand_from tiles' -s C -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from tiles' -l out -r -a '(__fish_complete_directories)'
complete -c endorse -n '__fish_seen_subcommand_from note' -a 'sign verify'
complete -c endorse -n '__fish_seen_subcommand_from note' -l key -r -a '(__fish_complete_suffix .key)'
complete -c endorse -n '__fish_seen_subcommand_from note' -l passphrase-file -r -F
complete -c endorse -n '__fish_seen_subcommand_from note' -l time
complete -c endorse -n '__fish_seen_subcommand_from tree' -a 'prove-consistency prove-inclusion root verify-consistency verify-inclusion'
complete -c endorse -n '__fish_seen_subcommand_from tree' -l index
complete -c endorse -n '__fish_seen_subcommand_from tree' -l leaf -r -F
complete -c endorse -n '__fish_seen_subcommand_from tree' -l old-root
complete -c endorse -n '__fish_seen_subcommand_from tree' -l old-size
complete -c endorse -n '__fish_seen_subcommand_from tree' -l root
complete -c endorse -n '__fish_seen_subcommand_from tree' -l size
