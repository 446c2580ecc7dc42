/* The library's DNS lookups on the command line, for tests (tests/e2e/dns.sh):
 *
 *   dnsq [--server ADDR[:PORT]] [--timeout MS] txt NAME
 *   dnsq [--server ADDR[:PORT]] [--timeout MS] addresses HOST
 *   dnsq public ADDRESS...
 *
 * prints one JSON object (sorted keys, one line) with the return code
 * ("rc": 0, "notfound", "io", ...), the error message, and what the lookup
 * returned: records as {"length", "hex", "text"} ("text" only when the
 * bytes are UTF-8 without NUL), "authenticated", addresses with "public".
 * Exit 0 when it printed, 2 on usage errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "address.h"
#include "dns.h"

static const char *
rc_name(int rc)
{
	switch (rc) {
	case 0: return "ok";
	case ENDORSE_ENOTFOUND: return "notfound";
	case ENDORSE_EIO: return "io";
	case ENDORSE_EUSAGE: return "usage";
	case ENDORSE_ENOMEM: return "nomem";
	default: return "other";
	}
}

static json_t *
record_json(const char *bytes, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	json_t *o = json_object();
	char *hex = malloc(2 * len + 1);

	if (o == NULL || hex == NULL) {
		free(hex);
		json_decref(o);
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		hex[2 * i] = digits[(unsigned char)bytes[i] >> 4];
		hex[2 * i + 1] = digits[(unsigned char)bytes[i] & 15];
	}
	hex[2 * len] = '\0';
	json_object_set_new(o, "length", json_integer((json_int_t)len));
	json_object_set_new(o, "hex", json_string(hex));
	if (memchr(bytes, '\0', len) == NULL) {
		json_t *text = json_stringn(bytes, len);  /* NULL unless UTF-8 */

		if (text != NULL)
			json_object_set_new(o, "text", text);
	}
	free(hex);
	return o;
}

static int
usage(void)
{
	fprintf(stderr, "usage: dnsq [--server ADDR[:PORT]] [--timeout MS] txt NAME\n"
		"       dnsq [--server ADDR[:PORT]] [--timeout MS] addresses HOST\n"
		"       dnsq public ADDRESS...\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *server = NULL;
	long timeout_ms = 5000;
	json_t *out = json_object();
	int i = 1, rc;

	if (out == NULL)
		return 2;
	for (; i + 1 < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (strcmp(argv[i], "--server") == 0)
			server = argv[i + 1];
		else if (strcmp(argv[i], "--timeout") == 0)
			timeout_ms = strtol(argv[i + 1], NULL, 10);
		else
			return usage();
	}
	if (i + 1 >= argc)
		return usage();
	if (strcmp(argv[i], "txt") == 0 && i + 2 == argc) {
		endorse_dns_txt txt;
		json_t *records = json_array();

		rc = endorse_dns_txt_lookup(&txt, argv[i + 1], server, timeout_ms);
		for (size_t k = 0; k < txt.count; k++)
			json_array_append_new(records, record_json(txt.records[k], txt.lengths[k]));
		json_object_set_new(out, "records", records);
		json_object_set_new(out, "authenticated", json_boolean(txt.authenticated));
		endorse_dns_txt_clear(&txt);
	} else if (strcmp(argv[i], "addresses") == 0 && i + 2 == argc) {
		char **addrs = NULL;
		size_t n = 0;
		json_t *list = json_array();

		rc = endorse_dns_addresses(&addrs, &n, argv[i + 1], server, timeout_ms);
		for (size_t k = 0; k < n; k++) {
			json_t *a = json_object();

			json_object_set_new(a, "address", json_string(addrs[k]));
			json_object_set_new(a, "public", json_boolean(endorse_address_is_public(addrs[k])));
			json_array_append_new(list, a);
		}
		json_object_set_new(out, "addresses", list);
		endorse_dns_addresses_free(addrs, n);
	} else if (strcmp(argv[i], "public") == 0) {
		json_t *list = json_object();

		for (int k = i + 1; k < argc; k++)
			json_object_set_new(list, argv[k], json_boolean(endorse_address_is_public(argv[k])));
		json_object_set_new(out, "public", list);
		rc = 0;
	} else {
		json_decref(out);
		return usage();
	}
	json_object_set_new(out, "rc", json_string(rc_name(rc)));
	if (rc < 0)
		json_object_set_new(out, "error", json_string(endorse_error_last()));
	if (json_dumpf(out, stdout, JSON_COMPACT | JSON_SORT_KEYS) != 0 || putchar('\n') == EOF ||
	    fflush(stdout) != 0) {
		json_decref(out);
		return 2;
	}
	json_decref(out);
	return 0;
}
