# bash completion for endorse(1): the commands, each command's options, key
# files for --key. tests/meta/man.py checks that it names every command and
# every option its --help prints; tests/e2e/completion.sh runs it.

_endorse_commands="keygen key init document sign withdraw rotate revoke rechain verify audit domain confirm policy checkpoint cosign witness prove verify-proof tiles note tree"

_endorse()
{
	local cur prev cmd opts subs i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-C) i=$((i + 1)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	COMPREPLY=()
	case $prev in
	--key|--new-key)
		# secret key files, and directories to reach them
		mapfile -t COMPREPLY < <(compgen -f -X '!*.key' -- "$cur"; compgen -d -- "$cur")
		compopt -o filenames 2>/dev/null
		return ;;
	-C)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		compopt -o filenames 2>/dev/null
		return ;;
	--format)
		case $cmd in
		audit) opts="table json csv markdown html jekyll" ;;
		*) opts="text json github" ;;
		esac
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		return ;;
	--method)
		mapfile -t COMPREPLY < <(compgen -W "https dns any" -- "$cur")
		return ;;
	--passphrase-file|--new-passphrase-file|--secret|-s|--public|-p|--output|--cacert|--entry|--policy|--leaf|--state|--logs|--log-key|--target|--document)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
		return ;;
	esac
	if [ -z "$cmd" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$_endorse_commands -C --help --version" -- "$cur")
		return
	fi
	subs=
	case $cmd in
	keygen) opts='--force --generate -p --passphrase-file --pin-file --pkcs11 --pkcs11-module --public -s --secret --ssh-agent --unencrypted --witness' ;;
	key) opts='--force -p --passphrase-file --public -s --secret --unencrypted'; subs='show export-go import-go' ;;
	init) opts='-C --action --document --id --key --no-commit --no-workflow --passphrase-file --time --title --url' ;;
	document) opts='-C --document --id --key --new-document --no-commit --passphrase-file --time --title --url' ;;
	sign) opts='-C --document --key --name --no-commit --passphrase-file --reaffirm --time --url' ;;
	withdraw) opts='-C --document --key --no-commit --passphrase-file --time' ;;
	rotate) opts='-C --key --new-key --new-passphrase-file --no-commit --passphrase-file --time' ;;
	revoke) opts='-C --key --no-commit --passphrase-file --reason --target --time' ;;
	rechain) opts='-C --onto' ;;
	verify) opts='-C --allow-pending --base --format --history -j --jobs --log-key' ;;
	audit) opts='-C --document --format --log-key --org --output --since' ;;
	domain) opts='-C --base --cacert --connect-to --dns-server --format --key --method --resolve --timeout'; subs='check publish' ;;
	confirm) opts='-C --cacert --connect-to --dns-server --key --method --no-commit --passphrase-file --resolve --timeout' ;;
	policy) opts='-C --no-commit'; subs='add-witness set-quorum show' ;;
	checkpoint) opts='-C --key --no-commit --passphrase-file' ;;
	cosign) opts='-C --key --no-commit --passphrase-file --state --time' ;;
	witness) opts='-C --cacert --key --listen --logs --no-commit --passphrase-file --state --timeout'; subs='request serve' ;;
	prove) opts='-C' ;;
	verify-proof) opts='--entry --policy' ;;
	tiles) opts='-C --out' ;;
	note) opts='--key --passphrase-file --time'; subs='sign verify' ;;
	tree) opts='--index --leaf --old-root --old-size --root --size'; subs='prove-consistency prove-inclusion root verify-consistency verify-inclusion' ;;
	*) opts= ;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts --help" -- "$cur")
	elif [ -n "$subs" ] && [ "$i" -eq $((COMP_CWORD - 1)) ]; then
		mapfile -t COMPREPLY < <(compgen -W "$subs" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		compopt -o filenames 2>/dev/null
	fi
}
complete -F _endorse endorse
