/* Passphrases: read from a file or the terminal into sodium_malloc memory,
 * wiped when freed; on a terminal a person gets a few tries. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <sodium.h>

#include "passphrase.h"
#include "util.h"

#define PASSPHRASE_MAX 1024

enum { READ_OK = 0, READ_ERROR = -1, READ_TOO_LONG = -2, READ_NO_TERMINAL = -3 };

/* Reads one line byte by byte, so that two passphrases can follow each
 * other on standard input. */
static int
read_line_fd(int fd, char *buf, size_t max, size_t *len)
{
	size_t n = 0;

	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return READ_ERROR;
		if (r == 0 || c == '\n')
			break;
		if (n + 1 >= max)
			return READ_TOO_LONG;
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return READ_OK;
}

/* Echo goes off before the prompt is written: what is typed after the
 * prompt is never echoed, nor flushed away by the change of mode. */
static int
read_from_terminal(char *buf, size_t max, size_t *len, const char *prompt)
{
	struct termios old, quiet;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC), rc;

	if (fd < 0)
		return READ_NO_TERMINAL;
	if (tcgetattr(fd, &old) != 0) {
		close(fd);
		return READ_NO_TERMINAL;
	}
	quiet = old;
	quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
	quiet.c_lflag |= ICANON;
	if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0 || write(fd, prompt, strlen(prompt)) < 0) {
		tcsetattr(fd, TCSAFLUSH, &old);
		close(fd);
		return READ_ERROR;
	}
	rc = read_line_fd(fd, buf, max, len);
	tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		rc = READ_ERROR;
	close(fd);
	return rc;
}

static int
read_from_file(char *buf, size_t *len, const char *file)
{
	int fd = strcmp(file, "-") == 0 ? 0 : open(file, O_RDONLY | O_CLOEXEC);
	int r = fd < 0 ? READ_ERROR : read_line_fd(fd, buf, PASSPHRASE_MAX, len);

	if (fd > 0)
		close(fd);
	if (r == READ_TOO_LONG)
		return cli_error("%s: the passphrase is longer than %d bytes", file, PASSPHRASE_MAX - 1);
	if (r != READ_OK)
		return cli_error("cannot read the passphrase from %s: %s", file, strerror(errno));
	return 0;
}

static int
ask(char *buf, size_t *len, const char *prompt, bool for_new_key)
{
	int r = read_from_terminal(buf, PASSPHRASE_MAX, len, prompt);

	if (r == READ_NO_TERMINAL)
		return cli_error("no terminal to ask for the passphrase: use --passphrase-file FILE "
			"(- reads standard input)%s", for_new_key ? ", or --unencrypted" : "");
	if (r == READ_TOO_LONG)
		return cli_error("the passphrase is longer than %d bytes", PASSPHRASE_MAX - 1);
	if (r != READ_OK)
		return cli_error("cannot read the passphrase from the terminal; use "
			"--passphrase-file FILE");
	return 0;
}

int
cli_read_passphrase(char **out, size_t *len, const char *file, const char *prompt)
{
	char *buf = sodium_malloc(PASSPHRASE_MAX);
	int rc;

	*out = NULL;
	*len = 0;
	if (buf == NULL)
		return cli_error("out of secure memory");
	rc = file != NULL ? read_from_file(buf, len, file) : ask(buf, len, prompt, false);
	if (rc == 0 && *len == 0)
		rc = cli_error("the passphrase is empty");
	if (rc != 0) {
		sodium_free(buf);
		return EXIT_TROUBLE;
	}
	*out = buf;
	return 0;
}

/* One try on the terminal at a new passphrase: 0 when it is typed the same
 * twice, 1 when the person may try again, EXIT_TROUBLE when reading failed. */
static int
ask_new(char *buf, size_t *len, char *again, int tries_left)
{
	size_t again_len = 0;
	const char *retry = tries_left > 0 ? "; try again" : "; nothing was written";

	if (ask(buf, len, "Passphrase for the new key: ", true) != 0)
		return EXIT_TROUBLE;
	if (*len == 0) {
		fprintf(stderr, "endorse: the passphrase is empty: type one, or run the command "
			"again with --unencrypted to store the key without one (only on a disk "
			"nobody else reads)%s\n", retry);
		return 1;
	}
	if (ask(again, &again_len, "Repeat the passphrase: ", true) != 0)
		return EXIT_TROUBLE;
	if (again_len != *len || sodium_memcmp(again, buf, *len) != 0) {
		fprintf(stderr, "endorse: the passphrases do not match%s\n", retry);
		return 1;
	}
	return 0;
}

int
cli_read_new_passphrase(char **out, size_t *len, const char *file)
{
	char *buf = sodium_malloc(PASSPHRASE_MAX), *again = sodium_malloc(PASSPHRASE_MAX);
	int rc = EXIT_TROUBLE;

	*out = NULL;
	*len = 0;
	if (buf == NULL || again == NULL) {
		cli_error("out of secure memory");
		goto out;
	}
	if (file != NULL) {
		rc = read_from_file(buf, len, file);
		if (rc == 0 && *len == 0)
			rc = cli_error("the passphrase in %s is empty: write one there, or use "
				"--unencrypted to store the key without one", file);
	} else {
		rc = 1;
		for (int tries = CLI_PASSPHRASE_TRIES; rc == 1 && tries > 0; tries--)
			rc = ask_new(buf, len, again, tries - 1);
		if (rc == 1)
			rc = EXIT_TROUBLE;
	}
	if (rc == 0) {
		*out = buf;
		buf = NULL;
	}
out:
	sodium_free(buf);
	sodium_free(again);
	return rc;
}
