/* Key files: finding the secret key a command is given, loading it with its
 * passphrase, and storing new keys without ever destroying an old one. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "key_files.h"
#include "passphrase.h"
#include "util.h"

/* How many of the key directory's keys a "not found" message lists. */
#define KEYS_LISTED 12

char *
cli_default_key_path(const char *name, const char *ext)
{
	char *base = cli_xdg_dir("XDG_CONFIG_HOME", ".config"), *path, *p;
	size_t n;

	if (base == NULL)
		return NULL;
	n = strlen(base) + strlen(name) + strlen(ext) + 3;
	path = malloc(n);
	if (path != NULL) {
		(void)snprintf(path, n, "%s/%s.%s", base, name, ext);
		for (p = path + strlen(base) + 1; *p; p++)
			if (*p == '/')
				*p = '_';
	}
	free(base);
	return path;
}

/* Whether path holds one vkey line, as keygen writes a public key. Read
 * into secure memory: path may be a secret key that is not encrypted. */
static bool
holds_vkey(endorse_vkey *out, const char *path)
{
	char *buf = sodium_malloc(ENDORSE_VKEY_MAX + 2);
	size_t len = 0;
	ssize_t r = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool vkey = false;

	if (buf != NULL && fd >= 0) {
		while (len < ENDORSE_VKEY_MAX + 1 &&
		       (r = read(fd, buf + len, ENDORSE_VKEY_MAX + 1 - len)) > 0)
			len += (size_t)r;
		if (r >= 0 && len <= ENDORSE_VKEY_MAX) {
			if (len > 0 && buf[len - 1] == '\n')
				len--;
			vkey = endorse_vkey_parse(out, buf, len) == 0;
		}
	}
	if (fd >= 0)
		close(fd);
	sodium_free(buf);
	return vkey;
}

static int
refuse_public_key(const char *path, const endorse_vkey *key)
{
	char id[9], *secret = cli_default_key_path(key->name, "key");
	size_t n = strlen(path);
	int rc;

	endorse_vkey_id_hex(id, key);
	if (n > 5 && strcmp(path + n - 5, ".vkey") == 0 && n - 5 < PATH_MAX - 5) {
		char beside[PATH_MAX];
		(void)snprintf(beside, sizeof(beside), "%.*s.key", (int)(n - 5), path);
		if (access(beside, F_OK) == 0) {
			free(secret);
			secret = strdup(beside);
		}
	}
	rc = cli_error("%s is a public key (of %s, key ID %s): it verifies but cannot sign; "
		"give its secret key to --key%s%s", path, key->name, id,
		secret != NULL && access(secret, F_OK) == 0 ? ": " : "",
		secret != NULL && access(secret, F_OK) == 0 ? secret : "");
	free(secret);
	return rc;
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Says that no file was found for --key arg: where it looked (tried[]) and
 * which secret keys the key directory holds. */
static int
refuse_missing(const char *arg, const char *const tried[], size_t n_tried, const char *dir)
{
	char *names[KEYS_LISTED];
	size_t count = 0, listed = 0;
	DIR *d = dir != NULL ? opendir(dir) : NULL;
	struct dirent *e;

	fprintf(stderr, "endorse: no secret key %s: looked for", arg);
	for (size_t i = 0; i < n_tried; i++)
		fprintf(stderr, "%s %s", i == 0 ? "" : i + 1 == n_tried ? " and" : ",", tried[i]);
	fprintf(stderr, "\n");
	while (d != NULL && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len <= 4 || strcmp(e->d_name + len - 4, ".key") != 0)
			continue;
		count++;
		if (listed < KEYS_LISTED && (names[listed] = strdup(e->d_name)) != NULL)
			listed++;
	}
	if (d != NULL)
		closedir(d);
	qsort(names, listed, sizeof(names[0]), by_name);
	if (count == 0)
		fprintf(stderr, "endorse: %s holds no secret key: make one with "
			"endorse keygen DOMAIN\n", dir != NULL ? dir : "the key directory");
	else
		fprintf(stderr, "endorse: the secret keys in %s:\n", dir);
	for (size_t i = 0; i < listed; i++) {
		fputs("  ", stderr);
		cli_print_safe(stderr, names[i]); /* a file name: any bytes */
		fputc('\n', stderr);
		free(names[i]);
	}
	if (count > listed)
		fprintf(stderr, "  and %zu more\n", count - listed);
	if (count > 0)
		fprintf(stderr, "endorse: give one of them to --key (a name such as example.org "
			"is enough), or a path to another key file\n");
	return EXIT_TROUBLE;
}

int
cli_find_key(char **out, const char *arg)
{
	char *dir = cli_xdg_dir("XDG_CONFIG_HOME", ".config"), *in_dir = NULL, *named = NULL;
	const char *tried[3] = {arg}, *found = NULL;
	size_t n_tried = 1;
	endorse_vkey vkey;
	int rc = EXIT_TROUBLE;

	*out = NULL;
	if (access(arg, F_OK) == 0) {
		found = arg;
	} else if (dir != NULL) {
		size_t n = strlen(dir) + strlen(arg) + 2;
		if (strchr(arg, '/') == NULL && (in_dir = malloc(n)) != NULL) {
			(void)snprintf(in_dir, n, "%s/%s", dir, arg);
			tried[n_tried++] = in_dir;
			if (access(in_dir, F_OK) == 0)
				found = in_dir;
		}
		if (found == NULL && endorse_name_is_origin(arg) &&
		    (named = cli_default_key_path(arg, "key")) != NULL) {
			tried[n_tried++] = named;
			if (access(named, F_OK) == 0)
				found = named;
		}
	}
	if (found == NULL)
		refuse_missing(arg, tried, n_tried, dir);
	else if (holds_vkey(&vkey, found))
		refuse_public_key(found, &vkey);
	else if ((*out = strdup(found)) == NULL)
		cli_error("out of memory");
	else
		rc = 0;
	free(dir);
	free(in_dir);
	free(named);
	return rc;
}

/* The key at path is encrypted: asks for its passphrase, again after a
 * wrong one while tries are left. */
static int
load_encrypted(endorse_secret_key **out, const char *path, const char *passphrase_file)
{
	char *pass = NULL, prompt[PATH_MAX + 32];
	size_t len = 0;
	int tries = passphrase_file != NULL ? 1 : CLI_PASSPHRASE_TRIES, rc = ENDORSE_EPASSPHRASE;

	(void)snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", path);
	while (rc == ENDORSE_EPASSPHRASE && tries-- > 0) {
		if (cli_read_passphrase(&pass, &len, passphrase_file, prompt) != 0)
			return EXIT_TROUBLE;
		rc = endorse_secret_key_load(out, path, pass, len);
		sodium_free(pass);
		if (rc == ENDORSE_EPASSPHRASE && tries > 0)
			fprintf(stderr, "endorse: wrong passphrase for %s; try again\n", path);
	}
	if (rc != 0) {
		cli_library_error(rc);
		return EXIT_TROUBLE;
	}
	return 0;
}

const char *
cli_holder_text(const char *kind)
{
	return strcmp(kind, "pkcs11") == 0 ? "a PKCS#11 token" : "an ssh agent";
}

int
cli_read_pin(char **pin, size_t *len, const char *pin_file, const char *what)
{
	char prompt[PATH_MAX + 32];

	(void)snprintf(prompt, sizeof(prompt), "PIN for %s: ", what);
	return cli_read_passphrase(pin, len, pin_file, prompt);
}

/* A key held elsewhere can sign now: an agent still holds it; a token is
 * there and holds it, logged in with its PIN (asked once, from the
 * terminal or the --passphrase-file of the command, when the token needs
 * one: a token locks after a few wrong PINs). */
static int
held_key_ready(endorse_secret_key *key, const char *path, const char *pin_file)
{
	char *pin = NULL;
	size_t len = 0;
	int rc = endorse_secret_key_ready(key);

	if (rc != ENDORSE_ENEEDPASS || !endorse_secret_key_needs_pin(key))
		return rc;
	if (cli_read_pin(&pin, &len, pin_file, path) != 0)
		return EXIT_TROUBLE;
	rc = endorse_secret_key_set_pin(key, pin, len);
	sodium_free(pin);
	return rc != 0 ? rc : endorse_secret_key_ready(key);
}

int
cli_load_key(endorse_secret_key **out, const char *arg, const char *passphrase_file)
{
	char *path = NULL;
	int rc;

	*out = NULL;
	if (cli_find_key(&path, arg) != 0)
		return EXIT_TROUBLE;
	rc = endorse_secret_key_load(out, path, NULL, 0);
	if (rc == ENDORSE_ENEEDPASS)
		rc = load_encrypted(out, path, passphrase_file);
	else if (rc == 0 && (rc = held_key_ready(*out, path, passphrase_file)) != 0) {
		/* an agent that no longer holds the key, a token absent or a wrong
		 * PIN: said before anything is written */
		endorse_secret_key_free(*out);
		*out = NULL;
	}
	if (rc < 0)
		rc = cli_library_error(rc);
	free(path);
	return rc;
}

/* Before --force replaces the key file secret_path, keeps it as
 * secret_path.old-<key ID> (kept[]: "" when there was none), the key ID
 * read from the public key file beside it (a key file does not show its
 * public key without the passphrase). A hard link: it never overwrites a
 * file already there and never follows a symbolic link, and the new key
 * then replaces secret_path by a rename, leaving the old one in kept. */
static int
keep_old_key(char *kept, size_t size, const char *secret_path, const char *public_path)
{
	endorse_vkey old;
	char *text = NULL, id[9];
	size_t len = 0;

	kept[0] = '\0';
	if (access(secret_path, F_OK) != 0)
		return 0;
	if (cli_read_file(&text, &len, public_path, ENDORSE_VKEY_MAX + 1) != 0)
		return cli_error("%s is needed to name the copy of the old secret key %s that "
			"--force keeps; nothing was written", public_path, secret_path);
	if (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (endorse_vkey_parse(&old, text, len) != 0) {
		free(text);
		return cli_error("%s holds no valid vkey to name the copy of the old secret key %s "
			"that --force keeps; nothing was written", public_path, secret_path);
	}
	free(text);
	endorse_vkey_id_hex(id, &old);
	(void)snprintf(kept, size, "%s.old-%s", secret_path, id);
	if (link(secret_path, kept) != 0) {
		cli_error("cannot keep the old secret key as %s: %s; nothing was written", kept,
			errno == EEXIST ? "a file of that name exists (move it away first)"
					: strerror(errno));
		kept[0] = '\0';
		return EXIT_TROUBLE;
	}
	return 0;
}

int
cli_store_key(const endorse_secret_key *key, const struct key_destination *to)
{
	const char *name = endorse_secret_key_vkey(key)->name, *fingerprint = NULL;
	const char *secret_path = to->secret_path, *public_path = to->public_path;
	const char *holder = endorse_secret_key_holder(key, &fingerprint);
	bool held = holder != NULL; /* its file says where it lives: no passphrase */
	char *default_secret = NULL, *default_public = NULL, *pass = NULL, vkey[ENDORSE_VKEY_MAX];
	char kept[PATH_MAX + 16] = "";
	size_t pass_len = 0;
	int code = EXIT_TROUBLE, rc;

	if (secret_path == NULL)
		secret_path = default_secret = cli_default_key_path(name, "key");
	if (public_path == NULL)
		public_path = default_public = cli_default_key_path(name, "vkey");
	if (secret_path == NULL || public_path == NULL) {
		cli_error("cannot find a home directory for keys: set HOME or use -s and -p");
		goto out;
	}
	if ((rc = endorse_key_dir_check(secret_path)) != 0 ||
	    (rc = endorse_key_dir_check(public_path)) != 0) {
		cli_library_error(rc);
		goto out;
	}
	if (!to->force && (access(secret_path, F_OK) == 0 || access(public_path, F_OK) == 0)) {
		cli_error("%s or %s already exists; --force writes the new key there and keeps the "
			"old secret key as %s.old-<key ID> (a key that is still the log's must stay "
			"until its rotation is merged)", secret_path, public_path, secret_path);
		goto out;
	}
	if (!to->unencrypted && !held && cli_read_new_passphrase(&pass, &pass_len,
		to->passphrase_file) != 0)
		goto out;
	if (to->force && keep_old_key(kept, sizeof(kept), secret_path, public_path) != 0)
		goto out;
	rc = endorse_secret_key_save(key, secret_path, pass, pass_len, to->force);
	if (rc == 0)
		rc = endorse_vkey_save(endorse_secret_key_vkey(key), public_path, to->force);
	if (rc != 0) {
		cli_library_error(rc);
		goto out;
	}
	endorse_vkey_format(vkey, endorse_secret_key_vkey(key));
	printf("%s\n", vkey);
	if (held)
		fprintf(stderr, "endorse: the key stays in %s (%s, %s); %s says where it lives, "
			"with no secret in it\n", cli_holder_text(holder), holder, fingerprint,
			secret_path);
	else
		fprintf(stderr, "endorse: secret key written to %s%s\n", secret_path,
			to->unencrypted ? " (unencrypted)" : "");
	fprintf(stderr, "endorse: public key written to %s\n", public_path);
	if (to->force && kept[0] != '\0')
		fprintf(stderr, "endorse: the old secret key is kept as %s: it still signs for its "
			"key until a rotation or revocation is merged; delete it only then\n", kept);
	code = EXIT_VALID;
out:
	sodium_free(pass);
	free(default_secret);
	free(default_public);
	return code;
}
