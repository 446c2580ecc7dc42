/* keys/policy: a C2SP tlog-policy, with the one restriction of SPEC.md §2
 * that it names exactly one log, whose key name is the log's origin.
 * Anything the grammar does not define is refused rather than ignored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "error.h"
#include "hashset.h"
#include "encoding.h"
#include "policy.h"

#define POLICY_MAX_NAMES 4096
#define POLICY_MAX_FIELDS 1026 /* "group", name, k and up to 1023 members */

enum name_kind { NAME_WITNESS, NAME_GROUP };

struct policy_name {
	char *name;
	enum name_kind kind;
	endorse_vkey key;      /* witness */
	char *url;             /* witness: its submission prefix, or NULL */
	size_t threshold;      /* group: k */
	size_t *members;       /* group: indices of earlier names */
	size_t member_count;
	size_t listed_by;      /* while parsing: the group index + 1 that last listed it */
};

struct endorse_policy {
	endorse_vkey log_key;
	bool has_log;
	struct policy_name *names;
	size_t name_count, name_cap;
	size_t *witnesses;     /* the witnesses' indices into names, in order */
	size_t witness_count, witness_cap;
	bool has_quorum;
	bool quorum_none;
	size_t quorum;         /* index into names unless quorum_none */
	/* While parsing: names, and witnesses by public key, so that each
	 * lookup costs the same however many names came before: a policy of
	 * 4,096 names is parsed in linear time. */
	endorse_hashset by_name, by_key;
};

void
endorse_policy_free(endorse_policy *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->name_count; i++) {
		free(p->names[i].name);
		free(p->names[i].url);
		free(p->names[i].members);
	}
	free(p->names);
	free(p->witnesses);
	endorse_hashset_free(&p->by_name);
	endorse_hashset_free(&p->by_key);
	free(p);
}

const endorse_vkey *
endorse_policy_log_key(const endorse_policy *p)
{
	return &p->log_key;
}

static void
name_of(const void *ctx, size_t index, const void **key, size_t *len)
{
	const endorse_policy *p = ctx;

	*key = p->names[index].name;
	*len = strlen(p->names[index].name);
}

static void
public_key_of(const void *ctx, size_t index, const void **key, size_t *len)
{
	const endorse_policy *p = ctx;

	*key = p->names[index].key.public_key;
	*len = 32;
}

static long
find_name(const endorse_policy *p, const char *name)
{
	size_t at = endorse_hashset_find(&p->by_name, p, name, strlen(name));

	return at != ENDORSE_HASHSET_NONE ? (long)at : -1;
}

static bool
key_is_duplicate(const endorse_policy *p, const endorse_vkey *k)
{
	return (p->has_log && memcmp(p->log_key.public_key, k->public_key, 32) == 0) ||
		endorse_hashset_find(&p->by_key, p, k->public_key, 32) != ENDORSE_HASHSET_NONE;
}

static int
add_name(endorse_policy *p, const char *name, struct policy_name **out)
{
	struct policy_name *grown;

	if (strcmp(name, "none") == 0)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"\"none\" is reserved and cannot be defined");
	if (find_name(p, name) >= 0)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"name \"%.64s\" is defined twice", name);
	if (p->name_count >= POLICY_MAX_NAMES)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"more than %d witnesses and groups",
			POLICY_MAX_NAMES);
	grown = endorse_array_reserve(p->names, &p->name_cap, p->name_count + 1, sizeof(*grown));
	if (grown == NULL)
		return ENDORSE_ENOMEM;
	p->names = grown;
	*out = &p->names[p->name_count];
	memset(*out, 0, sizeof(**out));
	(*out)->name = strdup(name);
	if ((*out)->name == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	p->name_count++;
	return endorse_hashset_add(&p->by_name, p, p->name_count - 1);
}

static int
parse_key(endorse_vkey *k, const char *text, uint8_t type, const char *what)
{
	if (endorse_vkey_parse(k, text, strlen(text)) != 0)
		return endorse_error_rule("policy",
			endorse_error_wrap(ENDORSE_EINVALID, "%s key", what));
	if (k->type != type)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"%s key must have type 0x%02x", what, type);
	return 0;
}

static int
parse_group(endorse_policy *p, char **f, size_t n)
{
	struct policy_name *g;
	size_t members = n - 3;
	int rc;

	if (n < 4)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"group needs a name, a threshold and members");
	if ((rc = add_name(p, f[1], &g)) != 0)
		return rc;
	g->kind = NAME_GROUP;
	g->members = calloc(members, sizeof(size_t));
	if (g->members == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	for (size_t i = 0; i < members; i++) {
		long idx = find_name(p, f[3 + i]);
		if (idx < 0 || (size_t)idx == p->name_count - 1)
			return endorse_error_set(ENDORSE_EINVALID, "policy",
				"group member \"%.64s\" is not a witness or group defined above", f[3 + i]);
		if (p->names[idx].listed_by == p->name_count)
			return endorse_error_set(ENDORSE_EINVALID, "policy",
				"group member \"%.64s\" is listed twice",
				f[3 + i]);
		p->names[idx].listed_by = p->name_count; /* this group's index + 1 */
		g->members[g->member_count++] = (size_t)idx;
	}
	if (strcmp(f[2], "all") == 0) {
		g->threshold = members;
	} else if (strcmp(f[2], "any") == 0) {
		g->threshold = 1;
	} else {
		char *end;
		unsigned long k = strtoul(f[2], &end, 10);
		if (f[2][0] < '1' || f[2][0] > '9' || *end != '\0' || k < 1 || k > members)
			return endorse_error_set(ENDORSE_EINVALID, "policy",
				"group threshold must be all, any or a number from 1 to %zu", members);
		g->threshold = k;
	}
	return 0;
}

static int
parse_log(endorse_policy *p, char **f, size_t n)
{
	endorse_vkey k;
	int rc;

	if (n < 2 || n > 3)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"log takes a vkey and an optional URL");
	if (p->has_log)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"only one log line is allowed");
	if ((rc = parse_key(&k, f[1], ENDORSE_KEY_ED25519, "log")) != 0)
		return rc;
	if (key_is_duplicate(p, &k))
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"the log key is also a witness key");
	p->log_key = k;
	p->has_log = true;
	return 0;
}

/* A witness's URL is where endorse witness request sends the checkpoint
 * (C2SP tlog-witness's submission prefix): http:// or https://, then a
 * host, in printable ASCII with no space, query or fragment (the request
 * appends "/add-checkpoint"). Plain http:// is allowed: every answer that
 * counts is a signature endorse verifies, as C2SP tlog-witness says. */
bool
endorse_policy_url_valid(const char *url)
{
	size_t prefix = strncmp(url, "https://", 8) == 0 ? 8 : strncmp(url, "http://", 7) == 0 ? 7 : 0;
	size_t len = strlen(url);

	if (prefix == 0 || len == prefix || len > ENDORSE_POLICY_URL_MAX || url[prefix] == '/')
		return false;
	for (size_t i = prefix; i < len; i++)
		if (url[i] <= 0x20 || url[i] >= 0x7f || url[i] == '?' || url[i] == '#')
			return false;
	return true;
}

static int
parse_witness(endorse_policy *p, char **f, size_t n)
{
	struct policy_name *w;
	endorse_vkey k;
	size_t *grown;
	int rc;

	if (n < 3 || n > 4)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"witness takes a name, a vkey and an optional URL");
	if ((rc = parse_key(&k, f[2], ENDORSE_KEY_COSIGNATURE, "witness")) != 0)
		return rc;
	if (n == 4 && !endorse_policy_url_valid(f[3]))
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"the URL of witness \"%.64s\" is not http:// or https:// then a host, "
			"in printable ASCII without spaces, '?' or '#', at most %d bytes",
			f[1], ENDORSE_POLICY_URL_MAX);
	if (key_is_duplicate(p, &k))
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"witness key of \"%.64s\" is listed twice", f[1]);
	if ((rc = add_name(p, f[1], &w)) != 0)
		return rc;
	w->kind = NAME_WITNESS;
	w->key = k;
	if (n == 4 && (w->url = strdup(f[3])) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if ((rc = endorse_hashset_add(&p->by_key, p, p->name_count - 1)) != 0)
		return rc;
	grown = endorse_array_reserve(p->witnesses, &p->witness_cap, p->witness_count + 1,
		sizeof(*grown));
	if (grown == NULL)
		return ENDORSE_ENOMEM;
	p->witnesses = grown;
	p->witnesses[p->witness_count++] = p->name_count - 1;
	return 0;
}

static int
parse_quorum(endorse_policy *p, char **f, size_t n)
{
	long idx;

	if (n != 2)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"quorum takes exactly one name");
	if (p->has_quorum)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"only one quorum line is allowed");
	p->has_quorum = true;
	if (strcmp(f[1], "none") == 0) {
		p->quorum_none = true;
		return 0;
	}
	idx = find_name(p, f[1]);
	if (idx < 0)
		return endorse_error_set(ENDORSE_EINVALID, "policy",
			"quorum \"%.64s\" is not a witness or group defined above", f[1]);
	p->quorum = (size_t)idx;
	return 0;
}

static const struct {
	const char *keyword;
	int (*parse)(endorse_policy *p, char **f, size_t n);
} keywords[] = {
	{"log", parse_log},
	{"witness", parse_witness},
	{"group", parse_group},
	{"quorum", parse_quorum},
};

static int
parse_line(endorse_policy *p, char **f, size_t n)
{
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strcmp(f[0], keywords[i].keyword) == 0)
			return keywords[i].parse(p, f, n);
	return endorse_error_set(ENDORSE_EINVALID, "policy", "unknown keyword \"%.32s\"", f[0]);
}

/* The policy's bytes: UTF-8 text without control characters but tab. */
static int
check_line_bytes(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return endorse_error_set(ENDORSE_EINVALID, "policy",
				"control character 0x%02x%s", c,
				c == '\r' ? " (carriage return: the policy must use LF line endings)" : "");
	}
	if (!endorse_utf8_valid((const uint8_t *)line, len))
		return endorse_error_set(ENDORSE_EINVALID, "policy", "not valid UTF-8");
	return 0;
}

/* Splits line in place at runs of spaces and tabs. */
static size_t
split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		if (n == max)
			return max + 1;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return n;
}

/* The line where the text's first NUL byte is, or 0 when it has none. */
static uint64_t
nul_line(const char *text, size_t len)
{
	const char *nul = memchr(text, '\0', len);
	uint64_t line_no = 1;

	if (nul == NULL)
		return 0;
	for (const char *c = text; c < nul; c++)
		line_no += *c == '\n';
	return line_no;
}

/* Parses the lines of copy (the policy's text, NUL-terminated), counting
 * them in *line_no. */
static int
parse_lines(endorse_policy *p, char *copy, char **fields, uint64_t *line_no)
{
	char *line = copy;
	int rc;

	while (*line) {
		char *lf = strchr(line, '\n');
		size_t n;

		if (lf == NULL)  /* checked before: the text ends with a newline */
			return endorse_error_set(ENDORSE_EINVALID, "policy",
				"the last line does not end with a newline");
		*lf = '\0';
		(*line_no)++;
		if ((rc = check_line_bytes(line, (size_t)(lf - line))) != 0)
			return rc;
		n = split_fields(line, fields, POLICY_MAX_FIELDS);
		if (n > POLICY_MAX_FIELDS)
			return endorse_error_set(ENDORSE_EINVALID, "policy",
				"too many fields on one line");
		if (n > 0 && fields[0][0] != '#' && (rc = parse_line(p, fields, n)) != 0)
			return rc;
		line = lf + 1;
	}
	return 0;
}

int
endorse_policy_parse_at(endorse_policy **out, const char *text, size_t len, uint64_t *line_no)
{
	endorse_policy *p = calloc(1, sizeof(*p));
	char *copy = NULL, **fields = NULL;
	int rc = 0;

	*out = NULL;
	*line_no = 0;
	if (p == NULL || (copy = malloc(len + 1)) == NULL ||
	    (fields = calloc(POLICY_MAX_FIELDS, sizeof(char *))) == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	endorse_hashset_init(&p->by_name, name_of);
	endorse_hashset_init(&p->by_key, public_key_of);
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (len == 0 || text[len - 1] != '\n') {
		rc = endorse_error_set(ENDORSE_EINVALID, "policy",
			"the policy must end with a newline");
		goto out;
	}
	if ((*line_no = nul_line(text, len)) != 0) {
		rc = endorse_error_set(ENDORSE_EINVALID, "policy", "NUL byte");
		goto out;
	}
	if ((rc = parse_lines(p, copy, fields, line_no)) != 0)
		goto out;
	*line_no = 0;
	if (!p->has_log)
		rc = endorse_error_set(ENDORSE_EINVALID, "policy", "the policy has no log line");
	else if (!p->has_quorum)
		rc = endorse_error_set(ENDORSE_EINVALID, "policy", "the policy has no quorum line");
out:
	free(fields);
	free(copy);
	if (p != NULL) {
		/* the indexes serve parsing only */
		endorse_hashset_free(&p->by_name);
		endorse_hashset_free(&p->by_key);
	}
	if (rc != 0)
		endorse_policy_free(p);
	else
		*out = p;
	return rc;
}

int
endorse_policy_parse(endorse_policy **out, const char *text, size_t len)
{
	uint64_t line = 0;
	int rc = endorse_policy_parse_at(out, text, len, &line);

	if (rc == ENDORSE_EINVALID && endorse_error_get()->rule != NULL)
		return endorse_error_wrap(rc, "line %llu", (unsigned long long)line);
	return rc;
}

int
endorse_policy_format_new(char **out, const endorse_vkey *log_key)
{
	char vkey[ENDORSE_VKEY_MAX];
	size_t n;

	endorse_vkey_format(vkey, log_key);
	n = strlen(vkey) + 32;
	*out = malloc(n);
	if (*out == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	(void)snprintf(*out, n, "log %s\nquorum none\n", vkey);
	return 0;
}

size_t
endorse_policy_witness_count(const endorse_policy *p)
{
	return p->witness_count;
}

static const struct policy_name *
witness_at(const endorse_policy *p, size_t i)
{
	return i < p->witness_count ? &p->names[p->witnesses[i]] : NULL;
}

const endorse_vkey *
endorse_policy_witness_key(const endorse_policy *p, size_t i)
{
	const struct policy_name *w = witness_at(p, i);

	return w != NULL ? &w->key : NULL;
}

const char *
endorse_policy_witness_name(const endorse_policy *p, size_t i)
{
	const struct policy_name *w = witness_at(p, i);

	return w != NULL ? w->name : NULL;
}

const char *
endorse_policy_witness_url(const endorse_policy *p, size_t i)
{
	const struct policy_name *w = witness_at(p, i);

	return w != NULL ? w->url : NULL;
}

const char *
endorse_policy_quorum_name(const endorse_policy *p)
{
	return p->quorum_none ? "none" : p->names[p->quorum].name;
}

/* Names are defined before they are used, so one pass in definition order
 * settles every witness and group. */
bool
endorse_policy_quorum_met(const endorse_policy *p, const bool *cosigned)
{
	bool *witnessed, met;
	size_t w = 0;

	if (p->quorum_none)
		return true;
	witnessed = calloc(p->name_count, sizeof(bool));
	if (witnessed == NULL)
		return false; /* fail closed */
	for (size_t i = 0; i < p->name_count; i++) {
		const struct policy_name *n = &p->names[i];
		size_t count = 0;

		if (n->kind == NAME_WITNESS) {
			witnessed[i] = cosigned[w++];
			continue;
		}
		for (size_t j = 0; j < n->member_count; j++)
			count += witnessed[n->members[j]];
		witnessed[i] = count >= n->threshold;
	}
	met = witnessed[p->quorum];
	free(witnessed);
	return met;
}

static int
compare_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* The fewest more witnesses that meet the quorum: a witness costs 0 when it
 * cosigned, else 1; a group of threshold k costs the sum of its k cheapest
 * members (exact when no witness is in two groups of the quorum's tree). Names are defined before use, so one pass settles them all. */
size_t
endorse_policy_quorum_missing(const endorse_policy *p, const bool *cosigned)
{
	size_t *cost, *members = NULL, w = 0, missing;

	if (p->quorum_none)
		return 0;
	if ((cost = calloc(p->name_count, sizeof(size_t))) == NULL)
		return SIZE_MAX;
	for (size_t i = 0; i < p->name_count; i++) {
		const struct policy_name *n = &p->names[i];

		if (n->kind == NAME_WITNESS) {
			cost[i] = cosigned != NULL && cosigned[w] ? 0 : 1;
			w++;
			continue;
		}
		free(members);
		if ((members = malloc(n->member_count * sizeof(size_t))) == NULL) {
			free(cost);
			return SIZE_MAX;
		}
		for (size_t j = 0; j < n->member_count; j++)
			members[j] = cost[n->members[j]];
		if (n->threshold < n->member_count)
			qsort(members, n->member_count, sizeof(size_t), compare_size);
		/* members shared by groups are counted once per group: an upper
		 * bound then, never above the number of witnesses */
		for (size_t j = 0; j < n->threshold && j < n->member_count; j++)
			cost[i] += members[j];
		if (cost[i] > p->witness_count)
			cost[i] = p->witness_count;
	}
	missing = cost[p->quorum];
	free(members);
	free(cost);
	return missing;
}

/* The quorum in words: "none", a witness's name, or a group's name with
 * what it asks, e.g. two-of-three (2 of net, org, coop). */
int
endorse_policy_quorum_describe(char **out, const endorse_policy *p)
{
	const struct policy_name *q = p->quorum_none ? NULL : &p->names[p->quorum];
	size_t size = 64, n = 0;
	char *text;

	if (q != NULL && q->kind == NAME_GROUP)
		for (size_t j = 0; j < q->member_count; j++)
			size += strlen(p->names[q->members[j]].name) + 2;
	size += q != NULL ? strlen(q->name) : 0;
	if ((text = malloc(size)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (q == NULL || q->kind == NAME_WITNESS) {
		(void)snprintf(text, size, "%s", q != NULL ? q->name : "none");
	} else {
		n = (size_t)snprintf(text, size, "%s (%zu of ", q->name, q->threshold);
		for (size_t j = 0; j < q->member_count; j++)
			n += (size_t)snprintf(text + n, size - n, "%s%s", j > 0 ? ", " : "",
				p->names[q->members[j]].name);
		(void)snprintf(text + n, size - n, ")");
	}
	*out = text;
	return 0;
}
