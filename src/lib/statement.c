/* Statements: the rules on their members' values, and the signed message. */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encoding.h"
#include "error.h"
#include "points.h"
#include "statement.h"
#include "vkey.h"

#define SIGNED_CONTEXT "endorse/v1\n"
#define TEXT_MAX_CHARS 200
#define DOCUMENT_ID_MAX 64

/* The value of n decimal digits (already checked to be digits). */
static int
digits(const char *p, int n)
{
	int v = 0;

	while (n-- > 0)
		v = v * 10 + (*p++ - '0');
	return v;
}

/* The days of month mo (1 to 12) of year y, in the proleptic Gregorian
 * calendar. */
static int
month_days(int y, int mo)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return days[mo - 1] + (mo == 2 && leap);
}

bool
endorse_time_valid(const char *t)
{
	int y, mo, d, h, mi, s;

	if (strlen(t) != 20)
		return false;
	for (int i = 0; i < 20; i++) {
		char want = "dddd-dd-ddTdd:dd:ddZ"[i];
		if (want == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != want)
			return false;
	}
	y = digits(t, 4), mo = digits(t + 5, 2), d = digits(t + 8, 2);
	h = digits(t + 11, 2), mi = digits(t + 14, 2), s = digits(t + 17, 2);
	/* Leap seconds are refused: POSIX time, Go and most parsers have none. */
	return y >= 1 && mo >= 1 && mo <= 12 && d >= 1 && d <= month_days(y, mo) && h <= 23 &&
		mi <= 59 && s <= 59;
}

int
endorse_time_next_second(char out[21], const char *t)
{
	char buf[64];
	int y, mo, d, h, mi, s;

	if (!endorse_time_valid(t))
		return ENDORSE_EINVALID;
	y = digits(t, 4), mo = digits(t + 5, 2), d = digits(t + 8, 2);
	h = digits(t + 11, 2), mi = digits(t + 14, 2), s = digits(t + 17, 2);
	/* carry from the second up: each field overflows into the next */
	if (++s == 60 && (s = 0, ++mi == 60) && (mi = 0, ++h == 24) &&
	    (h = 0, ++d > month_days(y, mo)) && (d = 1, ++mo == 13))
		mo = 1, y++;
	/* (the fields are in range now; a wide buffer only spares the
	 * compiler's truncation analysis) */
	if (y > 9999 || snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h,
				 mi, s) != 20)
		return ENDORSE_EINVALID;
	memcpy(out, buf, 21);
	return 0;
}

bool
endorse_document_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > DOCUMENT_ID_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

static int
check_text(const char *what, const char *s)
{
	size_t n = endorse_utf8_length(s);

	if (n < 1 || n > TEXT_MAX_CHARS)
		return endorse_error_set(ENDORSE_EINVALID, "field",
			"%s must be 1 to %d characters, not %zu", what, TEXT_MAX_CHARS, n);
	return 0;
}

static int
check_url(const char *what, const char *s)
{
	/* "https://" alone names no resource; spaces would not survive a link. */
	if (strncmp(s, "https://", 8) != 0 || s[8] == '\0' || strchr(s, ' ') != NULL)
		return endorse_error_set(ENDORSE_EINVALID, "field",
			"%s must start with https:// and contain no spaces", what);
	return 0;
}

static int
check_time(const char *t)
{
	if (!endorse_time_valid(t))
		return endorse_error_set(ENDORSE_EINVALID, "time",
			"time \"%.32s\" is not a real UTC time of the form YYYY-MM-DDTHH:MM:SSZ", t);
	return 0;
}

static int
check_id(const char *id)
{
	if (!endorse_document_id_valid(id))
		return endorse_error_set(ENDORSE_EINVALID, "field",
			"document id must be 1 to 64 of a-z 0-9 -");
	return 0;
}

static int
check_sha256(const char *what, const char *s)
{
	if (strlen(s) != 64 || !endorse_is_lower_hex(s, 64))
		return endorse_error_set(ENDORSE_EINVALID, "field",
			"%s must be 64 lowercase hex digits", what);
	return 0;
}

static int
check_vkey(endorse_vkey *k, const char *what, const char *s, uint8_t type, bool check_point,
	endorse_points *points)
{
	/* The point is checked last, as endorse_vkey_parse does. */
	if (endorse_vkey_parse_checked(k, s, strlen(s), false) != 0)
		return endorse_error_rule("vkey", endorse_error_wrap(ENDORSE_EINVALID, "%s", what));
	if (check_point && !endorse_points_valid(points, k->public_key))
		return endorse_error_set(ENDORSE_EINVALID, "vkey",
			"%s: vkey public key is not a valid Ed25519 point of prime order", what);
	if (k->type != type)
		return endorse_error_set(ENDORSE_EINVALID, "vkey",
			"%s must be an Ed25519 key (type 0x01)", what);
	return 0;
}

int
endorse_statement_check_values(endorse_entry *entry, bool check_points, endorse_points *points)
{
	const endorse_statement *st = &entry->statement;
	const char *why;

	if (check_vkey(&entry->signer, "signer", st->signer, ENDORSE_KEY_ED25519, check_points,
		points) != 0)
		return ENDORSE_EINVALID;
	if (check_time(st->time) != 0)
		return ENDORSE_EINVALID;
	if (st->org_id != NULL && (why = endorse_org_id_problem(st->org_id)) != NULL)
		return endorse_error_set(ENDORSE_EINVALID, "org-id",
			"org \"%.64s%s\" is not an organization id: %s",
			st->org_id, strlen(st->org_id) > 64 ? "..." : "", why);
	switch (st->type) {
	case ENDORSE_DOCUMENT:
		if (check_id(st->id) || check_text("title", st->title) || check_url("url", st->url) ||
		    check_sha256("sha256", st->sha256))
			return ENDORSE_EINVALID;
		return 0;
	case ENDORSE_ENDORSE:
		if (check_sha256("document", st->document) ||
		    check_text("org.name", st->org_name) || check_url("org.url", st->org_url))
			return ENDORSE_EINVALID;
		return 0;
	case ENDORSE_WITHDRAW:
		return check_sha256("document", st->document);
	case ENDORSE_ROTATE:
		return check_vkey(&entry->other, "new_signer", st->new_signer, ENDORSE_KEY_ED25519,
			check_points, points);
	case ENDORSE_REVOKE:
		if (check_vkey(&entry->other, "key", st->key, ENDORSE_KEY_ED25519, check_points,
			points) ||
		    check_text("reason", st->reason))
			return ENDORSE_EINVALID;
		return 0;
	case ENDORSE_CONFIRM:
		if (check_vkey(&entry->other, "key", st->key, ENDORSE_KEY_ED25519, check_points,
			points) != 0)
			return ENDORSE_EINVALID;
		if (strcmp(st->method, "https") != 0 && strcmp(st->method, "dns") != 0)
			return endorse_error_set(ENDORSE_EINVALID, "field",
				"method must be \"https\" or \"dns\", not \"%.32s\"", st->method);
		return 0;
	}
	return endorse_error_set(ENDORSE_EINVALID, "statement-type", "unknown statement type");
}

/* The shortest prefix accepted: 8 hex digits, the width outputs show. */
#define PREFIX_MIN 8

bool
endorse_document_ref_is_prefix(const char *ref)
{
	size_t n = strlen(ref);

	return n >= PREFIX_MIN && n <= 64 && endorse_is_lower_hex(ref, n);
}

bool
endorse_document_ref_split(const char *ref, const char **at, uint64_t *version)
{
	char id[65];

	*at = strrchr(ref, '@');
	if (*at == NULL || (size_t)(*at - ref) >= sizeof(id))
		return false;
	(void)snprintf(id, sizeof(id), "%.*s", (int)(*at - ref), ref);
	return endorse_document_id_valid(id) &&
		endorse_parse_decimal(version, *at + 1, strlen(*at + 1), SIZE_MAX) && *version > 0;
}

bool
endorse_document_ref_valid(const char *ref)
{
	const char *at;
	uint64_t version;

	return strcmp(ref, "latest") == 0 || endorse_document_ref_is_prefix(ref) ||
		endorse_document_id_valid(ref) || endorse_document_ref_split(ref, &at, &version);
}

int
endorse_statement_check_fields(const endorse_statement *st)
{
	int rc = 0;

	if (st->time != NULL && check_time(st->time) != 0)
		return ENDORSE_EINVALID;
	if (st->document != NULL && !endorse_document_ref_valid(st->document))
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "document \"%.72s\" is neither a "
			"SHA-256 nor a prefix of one (at least 8 lowercase hex digits), latest, a "
			"document id nor ID@VERSION", st->document);
	switch (st->type) {
	case ENDORSE_DOCUMENT:
		rc = (st->id != NULL && check_id(st->id)) ||
			(st->title != NULL && check_text("title", st->title)) ||
			(st->url != NULL && check_url("url", st->url));
		break;
	case ENDORSE_ENDORSE:
		rc = (st->org_name != NULL && check_text("the name", st->org_name)) ||
			(st->org_url != NULL && check_url("the url", st->org_url));
		break;
	case ENDORSE_REVOKE:
		rc = st->reason != NULL && check_text("the reason", st->reason);
		break;
	default:
		break;
	}
	return rc != 0 ? ENDORSE_EINVALID : 0; /* the record says why */
}

/* M = context || origin || LF || jcs. */
static int
message_of(uint8_t **out, size_t *len, const char *origin, const char *jcs, size_t jcs_len)
{
	size_t n, context_len = sizeof(SIGNED_CONTEXT) - 1, origin_len = strlen(origin);
	uint8_t *m;

	n = context_len + origin_len + 1 + jcs_len;
	m = malloc(n);
	if (m == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	/* bytes, not a string: no terminating NUL */
	// NOLINTBEGIN(bugprone-not-null-terminated-result)
	memcpy(m, SIGNED_CONTEXT, context_len);
	memcpy(m + context_len, origin, origin_len);
	// NOLINTEND(bugprone-not-null-terminated-result)
	m[context_len + origin_len] = '\n';
	memcpy(m + context_len + origin_len + 1, jcs, jcs_len);
	*out = m;
	*len = n;
	return 0;
}

int
endorse_signed_message(uint8_t **out, size_t *len, const char *origin, const endorse_statement *st)
{
	char *jcs = NULL;
	size_t jcs_len = 0;
	int rc = endorse_statement_serialize(&jcs, &jcs_len, st);

	*out = NULL;
	if (rc != 0)
		return rc;
	rc = message_of(out, len, origin, jcs, jcs_len);
	free(jcs);
	return rc;
}

/* A line that passed the full parse is canonical JSON, and its member
 * "statement" sorts last: the bytes between "statement": and the line's
 * closing brace are JCS(statement), with no need to serialise it again.
 * The members before it (new_sig, prev, seq, sig) hold no quote, so the
 * first match is the member's name. */
int
endorse_signed_message_of_line(uint8_t **out, size_t *len, const char *origin,
	const char *line, size_t line_len, const endorse_statement *st)
{
	static const char name[] = ",\"statement\":{";
	const char *at = memmem(line, line_len, name, sizeof(name) - 1);

	*out = NULL;
	if (at == NULL || line_len < 2 || line[line_len - 1] != '}')
		return endorse_signed_message(out, len, origin, st);
	at += sizeof(name) - 2;  /* at the statement's opening brace */
	return message_of(out, len, origin, at, (size_t)(line + line_len - 1 - at));
}

void
endorse_statement_clear(endorse_statement *st)
{
	char **fields[] = {&st->signer, &st->time, &st->id, &st->title, &st->url, &st->sha256,
		&st->document, &st->org_id, &st->org_name, &st->org_url, &st->new_signer, &st->key,
		&st->reason, &st->method};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		free(*fields[i]);
		*fields[i] = NULL;
	}
}

void
endorse_entry_clear(endorse_entry *entry)
{
	endorse_statement_clear(&entry->statement);
	memset(entry, 0, sizeof(*entry));
}
