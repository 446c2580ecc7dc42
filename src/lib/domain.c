/* Domain identity (SPEC.md §7) without the network: what a well-known file
 * or a set of TXT records lists, and what an organisation publishes. Every
 * byte here came from a stranger's server: a line is a key only when it is
 * exactly a valid vkey, and nothing else is kept. */
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "domain.h"
#include "error.h"

#define TXT_PREFIX "endorse-vkey="

const char *
endorse_domain_method_name(endorse_domain_method m)
{
	return m == ENDORSE_METHOD_DNS ? "dns" : "https";
}

void
endorse_place_check_clear(endorse_place_check *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->listed_count; i++)
		free(c->listed[i]);
	free(c->listed);
	free(c->reason);
	c->listed = NULL;
	c->listed_count = 0;
	c->invalid_count = 0;
	c->reason = NULL;
}

/* Keeps text[0..len) when it is a valid vkey, else counts it. */
static int
add_candidate(endorse_place_check *out, size_t *cap, const char *text, size_t len)
{
	endorse_vkey key;
	char **grown, *copy;

	if (len == 0 || len >= ENDORSE_VKEY_MAX || memchr(text, '\0', len) != NULL ||
	    endorse_vkey_parse(&key, text, len) != 0) {
		out->invalid_count++;
		return 0;
	}
	if ((copy = malloc(len + 1)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	memcpy(copy, text, len);
	copy[len] = '\0';
	if ((grown = endorse_array_reserve(out->listed, cap, out->listed_count + 1,
		     sizeof(*grown))) == NULL) {
		free(copy);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	out->listed = grown;
	out->listed[out->listed_count++] = copy;
	return 0;
}

int
endorse_domain_parse_well_known(endorse_place_check *out, const char *body, size_t len)
{
	const char *p = body, *end = body + len;
	size_t cap = out->listed_count;  /* the room of out->listed: exactly its keys */
	int rc;

	while (p < end) {
		const char *lf = memchr(p, '\n', (size_t)(end - p));
		const char *stop = lf != NULL ? lf : end;  /* a last line without LF counts too */
		size_t n = (size_t)(stop - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0 && p[0] != '#' && (rc = add_candidate(out, &cap, p, n)) != 0)
			return rc;
		p = lf != NULL ? lf + 1 : end;
	}
	return 0;
}

int
endorse_domain_parse_txt(endorse_place_check *out, char *const *records, const size_t *lengths,
	size_t count)
{
	const size_t prefix = sizeof(TXT_PREFIX) - 1;
	size_t cap = out->listed_count;  /* the room of out->listed: exactly its keys */
	int rc;

	for (size_t i = 0; i < count; i++) {
		if (lengths[i] < prefix || memcmp(records[i], TXT_PREFIX, prefix) != 0)
			continue;  /* another service's record (SPEC: ignored) */
		if ((rc = add_candidate(out, &cap, records[i] + prefix, lengths[i] - prefix)) != 0)
			return rc;
	}
	return 0;
}

int
endorse_domain_published_texts(char **well_known, char **txt, const char *vkey)
{
	endorse_vkey key;
	size_t len = vkey != NULL ? strlen(vkey) : 0;

	*well_known = NULL;
	*txt = NULL;
	if (vkey == NULL || endorse_vkey_parse(&key, vkey, len) != 0)
		return endorse_error_wrap(ENDORSE_EUSAGE, "not a vkey");
	if (!endorse_name_is_org_id(key.name) || key.type != ENDORSE_KEY_ED25519)
		return endorse_error_set(ENDORSE_EUSAGE, NULL, "%s is not an organization's key "
			"(its name must be the organization's domain)", key.name);
	if ((*well_known = malloc(len + 2)) == NULL ||
	    (*txt = malloc(sizeof(TXT_PREFIX) + len)) == NULL) {
		free(*well_known);
		*well_known = NULL;
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	memcpy(*well_known, vkey, len);
	memcpy(*well_known + len, "\n", 2);
	memcpy(*txt, TXT_PREFIX, sizeof(TXT_PREFIX) - 1);
	memcpy(*txt + sizeof(TXT_PREFIX) - 1, vkey, len + 1);
	return 0;
}
