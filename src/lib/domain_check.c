/* A live check of one place where a domain publishes keys (SPEC.md §7):
 * which addresses may be reached, one request, and what the answer lists.
 * The check runs in CI next to metadata services and private networks, so
 * the https check connects only to public addresses it looked up itself
 * (pinned into curl: no second lookup that a rebinding name could answer
 * differently), unless the caller mapped the name explicitly. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "address.h"
#include "dns.h"
#include "domain.h"
#include "error.h"
#include "https.h"

#define WELL_KNOWN_PATH "/.well-known/endorse-keys"
#define TXT_LABEL "_endorse."

static long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Whether entry's first two fields (HOST:PORT:..., curl's --resolve and
 * --connect-to; an empty field of --connect-to matches any) name host:443;
 * *rest is then what follows them. */
static bool
maps_host(const char *entry, const char *host, bool empty_matches, const char **rest)
{
	size_t hl = strlen(host);
	const char *colon;

	if ((colon = strchr(entry, ':')) == NULL)
		return false;
	if (!((colon == entry && empty_matches) ||
	      ((size_t)(colon - entry) == hl && strncasecmp(entry, host, hl) == 0)))
		return false;
	entry = colon + 1;
	if (strncmp(entry, "443:", 4) == 0)
		*rest = entry + 4;
	else if (empty_matches && entry[0] == ':')
		*rest = entry + 1;
	else
		return false;
	return true;
}

/* Whether the caller chose where host:443 connects: a --resolve entry
 * (curl's "+HOST:..." resolves later, "-HOST:..." forgets: only the first
 * maps) or a --connect-to entry with another host (an empty HOST2 keeps
 * the name, which curl would then look up itself, unchecked). */
static bool
explicitly_mapped(const char *host, const endorse_net_options *net)
{
	const char *rest;

	for (size_t i = 0; i < net->resolve_count; i++) {
		const char *e = net->resolve[i];
		if (e[0] != '-' && maps_host(e + (e[0] == '+'), host, false, &rest) && rest[0] != '\0')
			return true;
	}
	for (size_t i = 0; i < net->connect_to_count; i++)
		if (maps_host(net->connect_to[i], host, true, &rest) && rest[0] != ':' &&
		    rest[0] != '\0')
			return true;
	return false;
}

static int set_reason(endorse_place_check *out, const char *fmt, ...) ENDORSE_PRINTF(2, 3);

static int
set_reason(endorse_place_check *out, const char *fmt, ...)
{
	va_list ap, again;
	int n;

	out->status = ENDORSE_PLACE_UNREACHABLE;
	va_start(ap, fmt);
	va_copy(again, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	if (n >= 0 && (out->reason = malloc((size_t)n + 1)) != NULL)
		(void)vsnprintf(out->reason, (size_t)n + 1, fmt, again);
	va_end(again);
	va_end(ap);
	return out->reason != NULL ? 0 : endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
}

/* "HOST:443:ADDR,ADDR..." of the addresses of host that were all checked to
 * be public; NULL with out->reason when there are none or one is not. */
static int
pin_public(char **pinned, endorse_place_check *out, const char *host,
	const endorse_net_options *net, long timeout_ms)
{
	char **addrs = NULL, *p;
	size_t count = 0, size;
	int rc = endorse_dns_addresses(&addrs, &count, host, net->dns_server, timeout_ms);

	*pinned = NULL;
	if (rc == ENDORSE_ENOTFOUND) {
		rc = set_reason(out, "DNS failure: %s does not exist (NXDOMAIN)", host);
		goto out;
	}
	if (rc == ENDORSE_EIO) {
		rc = set_reason(out, "DNS failure: %s", endorse_error_last());
		goto out;
	}
	if (rc != 0)
		goto out;
	if (count == 0) {
		rc = set_reason(out, "DNS failure: %s has no address", host);
		goto out;
	}
	size = strlen(host) + sizeof(":443:");
	for (size_t i = 0; i < count; i++) {
		if (!endorse_address_is_public(addrs[i])) {
			rc = set_reason(out, "non-public address %s of %s refused (map the name with "
				"--resolve or --connect-to to check it there)", addrs[i], host);
			goto out;
		}
		size += strlen(addrs[i]) + 3;  /* brackets and a comma */
	}
	if ((p = *pinned = malloc(size)) == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	p += snprintf(p, size, "%s:443:", host);
	for (size_t i = 0; i < count; i++) {
		bool v6 = strchr(addrs[i], ':') != NULL;
		p += snprintf(p, size - (size_t)(p - *pinned), "%s%s%s%s", i > 0 ? "," : "",
			v6 ? "[" : "", addrs[i], v6 ? "]" : "");
	}
out:
	endorse_dns_addresses_free(addrs, count);
	return rc;
}

static int
check_https(endorse_place_check *out, const char *org_id, const endorse_net_options *net)
{
	long start = now_ms(), left;
	char *pinned = NULL, *body = NULL;
	size_t len = 0;
	int rc = 0;

	if (!explicitly_mapped(org_id, net)) {
		if ((rc = pin_public(&pinned, out, org_id, net, net->timeout_ms)) != 0 ||
		    out->reason != NULL)
			goto out;
	}
	if ((left = net->timeout_ms - (now_ms() - start)) <= 0) {
		rc = set_reason(out, "timeout: the address lookup took the whole time");
		goto out;
	}
	if ((rc = endorse_https_get(&body, &len, &out->reason, org_id, WELL_KNOWN_PATH, pinned,
		net, left)) != 0 || out->reason != NULL) {
		out->status = ENDORSE_PLACE_UNREACHABLE;
		goto out;
	}
	rc = endorse_domain_parse_well_known(out, body, len);
out:
	free(pinned);
	free(body);
	return rc;
}

static int
check_dns(endorse_place_check *out, const char *org_id, const endorse_net_options *net)
{
	endorse_dns_txt txt = {0};
	char name[sizeof(TXT_LABEL) + ENDORSE_NAME_MAX];
	int rc;

	(void)snprintf(name, sizeof(name), "%s%s", TXT_LABEL, org_id);
	if (strlen(name) > 253)  /* an id of more than 244 bytes (SPEC allows 250) */
		return set_reason(out, "%s is longer than a DNS name may be (253 bytes): the "
			"domain cannot publish a key by dns; use https", name);
	rc = endorse_dns_txt_lookup(&txt, name, net->dns_server, net->timeout_ms);
	if (rc == ENDORSE_ENOTFOUND) {
		rc = 0;  /* the domain answered that the name has no record */
		goto out;
	}
	if (rc == ENDORSE_EIO) {
		rc = set_reason(out, "DNS failure: %s", endorse_error_last());
		goto out;
	}
	if (rc != 0)
		goto out;
	out->dnssec = txt.authenticated;
	rc = endorse_domain_parse_txt(out, txt.records, txt.lengths, txt.count);
out:
	endorse_dns_txt_clear(&txt);
	return rc;
}

int
endorse_domain_check_place(endorse_place_check *out, const char *org_id, const char *vkey,
	endorse_domain_method method, const endorse_net_options *net)
{
	const char *problem;
	int rc;

	*out = (endorse_place_check){.method = method, .status = ENDORSE_PLACE_NOT_PUBLISHED};
	if (org_id == NULL || vkey == NULL || net == NULL || net->timeout_ms <= 0)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"a domain check needs an organization, a key "
			"and a timeout");
	if ((problem = endorse_org_id_problem(org_id)) != NULL)
		return endorse_error_set(ENDORSE_EUSAGE, NULL,
			"'%s' is not an organization id: %s", org_id,
			problem);
	rc = method == ENDORSE_METHOD_DNS ? check_dns(out, org_id, net)
					  : check_https(out, org_id, net);
	if (rc != 0) {
		endorse_place_check_clear(out);
		return rc;
	}
	if (out->reason != NULL)
		return 0;
	for (size_t i = 0; i < out->listed_count; i++)
		if (strcmp(out->listed[i], vkey) == 0)
			out->status = ENDORSE_PLACE_PUBLISHED;
	return 0;
}
