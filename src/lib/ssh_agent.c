/* The ssh agent protocol, client side: a message is a 4-byte big-endian
 * length, a type byte and its contents, where a string is a 4-byte length
 * and its bytes. Every length the agent sends is bounded before it is used:
 * the agent is a program the user runs, but its socket is named by the
 * environment. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <sodium.h>

#include "error.h"
#include "ssh_agent.h"
#include "vkey.h"

#define AGENT_FAILURE 5
#define AGENTC_REQUEST_IDENTITIES 11
#define AGENT_IDENTITIES_ANSWER 12
#define AGENTC_SIGN_REQUEST 13
#define AGENT_SIGN_RESPONSE 14
#define MESSAGE_MAX (256 * 1024)
#define IDENTITIES_MAX 1024
/* an agent may wait for a person (ssh-add -c, a card's PIN) */
#define AGENT_TIMEOUT_SECONDS 120

/* A message received: its type and contents. */
struct message {
	uint8_t type;
	uint8_t *data;
	size_t len, at; /* at: the reader's place */
};

static const char *
socket_path(void)
{
	const char *path = getenv("SSH_AUTH_SOCK");

	return path != NULL && path[0] != '\0' ? path : NULL;
}

static int
agent_connect(int *fd_out)
{
	const char *path = socket_path();
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	struct timeval timeout = {.tv_sec = AGENT_TIMEOUT_SECONDS};
	int fd;

	*fd_out = -1;
	if (path == NULL)
		return endorse_error_set(ENDORSE_ENOTFOUND, NULL, "no ssh agent: SSH_AUTH_SOCK is not "
			"set (start one with eval \"$(ssh-agent)\" and add the key with ssh-add)");
	if (strlen(path) >= sizeof(addr.sun_path))
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "SSH_AUTH_SOCK is too long");
	memcpy(addr.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return endorse_error_set(ENDORSE_EIO, NULL, "socket: %s", strerror(errno));
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	if (connect(fd, (const struct sockaddr *)&addr, sizeof(addr)) != 0) {
		int err = errno;

		close(fd);
		return endorse_error_set(ENDORSE_ENOTFOUND, NULL, "cannot reach the ssh agent at %s "
			"(SSH_AUTH_SOCK): %s; is it running?", path, strerror(err));
	}
	*fd_out = fd;
	return 0;
}

static int
io_error(const char *what, int err)
{
	return endorse_error_set(ENDORSE_EIO, NULL, "the ssh agent at %s: %s: %s", socket_path(),
		what, err == 0 ? "the connection was closed"
			: err == EAGAIN || err == EWOULDBLOCK ? "no answer in time" : strerror(err));
}

static int
send_all(int fd, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_error("cannot send", n < 0 ? errno : 0);
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
recv_all(int fd, uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = recv(fd, buf, len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return io_error("cannot read its answer", n < 0 ? errno : 0);
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Sends request (its type byte first, len bytes in all) and receives the
 * answer into *answer (data malloc'd). */
static int
exchange(struct message *answer, const uint8_t *request, size_t len)
{
	uint8_t head[4];
	uint32_t n;
	int fd, rc;

	memset(answer, 0, sizeof(*answer));
	if ((rc = agent_connect(&fd)) != 0)
		return rc;
	put_u32(head, (uint32_t)len);
	if ((rc = send_all(fd, head, 4)) != 0 || (rc = send_all(fd, request, len)) != 0 ||
	    (rc = recv_all(fd, head, 4)) != 0)
		goto out;
	n = get_u32(head);
	if (n == 0 || n > MESSAGE_MAX) {
		rc = endorse_error_set(ENDORSE_EINVALID, NULL, "the ssh agent at %s sent a message "
			"of %u bytes", socket_path(), (unsigned)n);
		goto out;
	}
	if ((answer->data = malloc(n)) == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((rc = recv_all(fd, answer->data, n)) == 0) {
		answer->type = answer->data[0];
		answer->len = n;
		answer->at = 1;
	}
out:
	close(fd);
	if (rc != 0) {
		free(answer->data);
		answer->data = NULL;
	}
	return rc;
}

/* The next string of m: its bytes (inside m) and length; false at the end. */
static bool
take_string(struct message *m, const uint8_t **s, size_t *len)
{
	uint32_t n;

	if (m->len - m->at < 4)
		return false;
	n = get_u32(m->data + m->at);
	if (n > m->len - m->at - 4)
		return false;
	*s = m->data + m->at + 4;
	*len = n;
	m->at += 4 + (size_t)n;
	return true;
}

static int
malformed(const char *what)
{
	return endorse_error_set(ENDORSE_EINVALID, NULL, "the ssh agent at %s sent a malformed %s",
		socket_path(), what);
}

/* The key type a blob starts with, as a NUL-terminated string in out. */
static void
blob_type(char *out, size_t size, const uint8_t *blob, size_t len)
{
	struct message m = {.data = (uint8_t *)blob, .len = len};
	const uint8_t *s;
	size_t n;

	if (!take_string(&m, &s, &n) || n >= size || memchr(s, '\0', n) != NULL)
		n = 0, s = (const uint8_t *)"";
	for (size_t i = 0; i < n; i++)
		out[i] = (char)(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
	out[n] = '\0';
}

/* Whether blob is an ssh-ed25519 key: its 32 bytes in pk. */
static bool
blob_is_ed25519(uint8_t pk[32], const uint8_t *blob, size_t len)
{
	uint8_t expect[ENDORSE_SSH_ED25519_BLOB_LEN];

	if (len != sizeof(expect))
		return false;
	memcpy(pk, blob + sizeof(expect) - 32, 32);
	endorse_ssh_ed25519_blob(expect, pk);
	return memcmp(expect, blob, len) == 0;
}

static int
refuse_type(const char *type, const char *fingerprint)
{
	if (strcmp(type, "sk-ssh-ed25519@openssh.com") == 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s is a FIDO security key "
			"(sk-ssh-ed25519@openssh.com): it signs a structure wrapping the message, "
			"with its own counter and flags, which no Ed25519 verifier of the log "
			"accepts; use an ssh-ed25519 key", fingerprint);
	return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s is a key of type %s: endorse signs "
		"with Ed25519 keys (ssh-ed25519) only", fingerprint, type[0] != '\0' ? type : "unknown");
}

/* Walks the agent's identities: on_key gets each blob and its fingerprint. */
static int
each_identity(int (*on_key)(void *ctx, const uint8_t *blob, size_t len, const char *fp),
	void *ctx)
{
	static const uint8_t request[] = {AGENTC_REQUEST_IDENTITIES};
	struct message m;
	uint32_t count;
	int rc = exchange(&m, request, sizeof(request));

	if (rc != 0)
		return rc;
	if (m.type != AGENT_IDENTITIES_ANSWER || m.len - m.at < 4 ||
	    (count = get_u32(m.data + m.at)) > IDENTITIES_MAX) {
		free(m.data);
		return malformed("list of keys");
	}
	m.at += 4;
	for (uint32_t i = 0; rc == 0 && i < count; i++) {
		const uint8_t *blob, *comment;
		size_t blob_len, comment_len;
		char fp[ENDORSE_SSH_FINGERPRINT_MAX];

		if (!take_string(&m, &blob, &blob_len) || !take_string(&m, &comment, &comment_len)) {
			rc = malformed("list of keys");
			break;
		}
		endorse_ssh_fingerprint(fp, blob, blob_len);
		rc = on_key(ctx, blob, blob_len, fp);
	}
	free(m.data);
	return rc;
}

struct search {
	const char *fingerprint; /* NULL: the only ssh-ed25519 key */
	uint8_t pk[32];
	char chosen[ENDORSE_SSH_FINGERPRINT_MAX];
	char others[4 * ENDORSE_SSH_FINGERPRINT_MAX]; /* the ed25519 keys seen, for a message */
	size_t ed25519, keys;
	int refused;
};

static int
consider(void *ctx, const uint8_t *blob, size_t len, const char *fp)
{
	struct search *s = ctx;
	uint8_t pk[32];
	char type[64];
	bool ed25519 = blob_is_ed25519(pk, blob, len);

	s->keys++;
	if (s->fingerprint != NULL && strcmp(fp, s->fingerprint) != 0)
		return 0;
	if (!ed25519) {
		if (s->fingerprint != NULL) {
			blob_type(type, sizeof(type), blob, len);
			s->refused = refuse_type(type, fp);
		}
		return 0;
	}
	if (s->ed25519++ < 4) {
		size_t at = strlen(s->others);
		(void)snprintf(s->others + at, sizeof(s->others) - at, "%s%s", at > 0 ? ", " : "", fp);
	}
	memcpy(s->pk, pk, 32);
	(void)snprintf(s->chosen, sizeof(s->chosen), "%s", fp);
	return 0;
}

int
endorse_ssh_agent_find(endorse_key_ref *ref, const char *name, uint8_t type,
	const char *fingerprint)
{
	struct search s = {.fingerprint = fingerprint};
	int rc = each_identity(consider, &s);

	memset(ref, 0, sizeof(*ref));
	if (rc != 0)
		return rc;
	if (s.refused != 0)
		return s.refused;
	if (s.ed25519 == 0)
		return endorse_error_set(ENDORSE_ENOTFOUND, NULL, fingerprint != NULL ?
			"the ssh agent at %s holds no key %s (ssh-add -l lists the keys it holds)" :
			"the ssh agent at %s holds no ssh-ed25519 key%s (add one with ssh-add; "
			"ssh-keygen -t ed25519 makes one)", socket_path(),
			fingerprint != NULL ? fingerprint : s.keys > 0 ? ", only keys of other types" : "");
	if (s.ed25519 > 1)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "the ssh agent at %s holds %zu "
			"ssh-ed25519 keys (%s%s): name the one to use by its fingerprint, as ssh-add -l "
			"prints it", socket_path(), s.ed25519, s.others, s.ed25519 > 4 ? ", …" : "");
	if (!endorse_name_is_origin(name))
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "'%s' is not a valid key name", name);
	if (crypto_core_ed25519_is_valid_point(s.pk) != 1)
		return endorse_error_set(ENDORSE_EINVALID, NULL, "%s is not a valid Ed25519 public "
			"key", s.chosen);
	(void)snprintf(ref->kind, sizeof(ref->kind), "ssh-agent");
	(void)snprintf(ref->fingerprint, sizeof(ref->fingerprint), "%s", s.chosen);
	endorse_vkey_from_public(&ref->vkey, name, type, s.pk);
	return 0;
}

int
endorse_ssh_agent_check(const endorse_key_ref *ref)
{
	struct search s = {.fingerprint = ref->fingerprint};
	int rc = each_identity(consider, &s);

	if (rc == 0 && s.ed25519 == 0)
		rc = endorse_error_set(ENDORSE_ENOTFOUND, NULL, "the ssh agent at %s no longer holds "
			"the key %s (%s): add it again with ssh-add (ssh-add -l lists the keys it "
			"holds)", socket_path(), ref->fingerprint, ref->vkey.name);
	return rc;
}

int
endorse_ssh_agent_sign(uint8_t sig[64], const endorse_key_ref *ref, const uint8_t *msg,
	size_t len)
{
	uint8_t *request, blob[ENDORSE_SSH_ED25519_BLOB_LEN];
	size_t n = 1 + 4 + sizeof(blob) + 4 + len + 4;
	struct message m, inner;
	const uint8_t *s, *type, *raw;
	size_t s_len, type_len, raw_len;
	int rc;

	if (len > MESSAGE_MAX - 64 || (request = malloc(n)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	endorse_ssh_ed25519_blob(blob, ref->vkey.public_key);
	request[0] = AGENTC_SIGN_REQUEST;
	put_u32(request + 1, sizeof(blob));
	memcpy(request + 5, blob, sizeof(blob));
	put_u32(request + 5 + sizeof(blob), (uint32_t)len);
	memcpy(request + 9 + sizeof(blob), msg, len);
	put_u32(request + 9 + sizeof(blob) + len, 0); /* flags */
	rc = exchange(&m, request, n);
	free(request);
	if (rc != 0)
		return rc;
	if (m.type == AGENT_FAILURE)
		rc = endorse_error_set(ENDORSE_EUSAGE, NULL, "the ssh agent at %s refused to sign "
			"with %s (%s): is the key still there (ssh-add -l)? was a confirmation "
			"refused?", socket_path(), ref->fingerprint, ref->vkey.name);
	else if (m.type != AGENT_SIGN_RESPONSE || !take_string(&m, &s, &s_len) || m.at != m.len)
		rc = malformed("answer to a signing request");
	if (rc == 0) {
		inner = (struct message){.data = (uint8_t *)s, .len = s_len};
		if (!take_string(&inner, &type, &type_len) || !take_string(&inner, &raw, &raw_len) ||
		    inner.at != inner.len || type_len != 11 || memcmp(type, "ssh-ed25519", 11) != 0 ||
		    raw_len != 64)
			rc = malformed("signature");
		else
			memcpy(sig, raw, 64);
	}
	free(m.data);
	return rc;
}
