/* One GET over HTTPS (SPEC.md §7) and one POST to a witness (C2SP
 * tlog-witness): the only user of libcurl. Everything that could widen what
 * a stranger's server or the environment decides is off: other protocols,
 * redirects, cookies, proxies from the environment, compression, bodies
 * past the limit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "array.h"
#include "domain.h"
#include "error.h"
#include "https.h"

struct sink {
	CURL *curl;
	char *data;
	size_t len, cap;  /* the body read, and its room (array.h) */
	size_t max;       /* the most bytes of body read */
	long status;      /* the status seen when the body began */
	bool too_large;
	bool any_status;  /* keep the body whatever the status (POST) */
	bool not_ok;      /* the body of a status other than 200: not read */
};

int
endorse_https_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return endorse_error_set(ENDORSE_EIO, NULL, "cannot initialise libcurl");
	return 0;
}

/* Stops at the first byte past the limit, and at once for a status other
 * than 200, so that neither costs more than one buffer. */
static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct sink *s = userdata;
	size_t n = size * nmemb;
	char *grown;

	if (curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &s->status) != CURLE_OK ||
	    (s->status != 200 && !s->any_status)) {
		s->not_ok = true;
		return 0;  /* anything but n aborts the transfer */
	}
	if (n > s->max - s->len) {
		s->too_large = true;
		return 0;  /* anything but n aborts the transfer */
	}
	if ((grown = endorse_array_reserve(s->data, &s->cap, s->len + n + 1, 1)) == NULL)
		return 0;  /* anything but n aborts the transfer */
	s->data = grown;
	memcpy(s->data + s->len, ptr, n);
	s->len += n;
	s->data[s->len] = '\0';
	return n;
}

static char *
describe(CURLcode code, const char *errbuf, const struct sink *s, long status,
	long timeout_ms)
{
	char text[CURL_ERROR_SIZE + 128];
	const char *detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(code);

	if (s->too_large || code == CURLE_FILESIZE_EXCEEDED)
		(void)snprintf(text, sizeof(text), "too large: the body is over %zu bytes",
			s->max);
	else if (code == CURLE_OPERATION_TIMEDOUT)
		(void)snprintf(text, sizeof(text), "timeout: no complete answer within %ld ms",
			timeout_ms);
	else if (status >= 300 && status < 400)
		(void)snprintf(text, sizeof(text), "redirect refused (status %ld)", status);
	else if (status != 0 && status != 200)
		(void)snprintf(text, sizeof(text), "status %ld", status);
	else if (code == CURLE_COULDNT_RESOLVE_HOST)
		(void)snprintf(text, sizeof(text), "DNS failure: %s", detail);
	else if (code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CONNECT_ERROR ||
		 code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_CERTPROBLEM ||
		 code == CURLE_SSL_ENGINE_INITFAILED || code == CURLE_SSL_CIPHER ||
		 code == CURLE_USE_SSL_FAILED || code == CURLE_SSL_ISSUER_ERROR)
		(void)snprintf(text, sizeof(text), "TLS error: %s", detail);
	else if (code == CURLE_COULDNT_CONNECT)
		(void)snprintf(text, sizeof(text), "cannot connect: %s", detail);
	else
		(void)snprintf(text, sizeof(text), "%s", detail);
	return strdup(text);
}

/* curl_slist_append for each of n strings; false when out of memory. */
static bool
append_all(struct curl_slist **list, const char *const *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct curl_slist *grown = curl_slist_append(*list, items[i]);
		if (grown == NULL)
			return false;
		*list = grown;
	}
	return true;
}

/* The options every request has, checked together: any refused means a
 * libcurl too old or built without what the hardening relies on, and no
 * request is made. protocols: "https", or "http,https". */
static CURLcode
set_common(struct sink *s, char *errbuf, const char *url, const char *protocols, long timeout_ms)
{
	CURLcode code = curl_easy_setopt(s->curl, CURLOPT_URL, url);

	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_PROTOCOLS_STR, protocols);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_FOLLOWLOCATION, 0L);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_SSLVERSION,
		(long)CURL_SSLVERSION_TLSv1_2);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYPEER, 1L);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_SSL_VERIFYHOST, 2L);
	/* "" is no proxy at all, whatever https_proxy or ALL_PROXY say: the
	 * request must reach the server named, not one the environment picks */
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_PROXY, "");
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_MAXFILESIZE, (long)s->max);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_USERAGENT,
		"endorse/" ENDORSE_VERSION);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_ERRORBUFFER, errbuf);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, on_body);
	if (code == CURLE_OK) code = curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, s);
	return code;
}

/* --cacert replaces the trust store, as curl's option says: Debian's
 * libcurl also reads the CA directory /etc/ssl/certs unless told not to. */
static CURLcode
set_trust(CURL *curl, const char *cacert)
{
	CURLcode code = CURLE_OK;

	if (cacert != NULL)
		code = curl_easy_setopt(curl, CURLOPT_CAINFO, cacert);
	if (code == CURLE_OK && cacert != NULL)
		code = curl_easy_setopt(curl, CURLOPT_CAPATH, NULL);
	return code;
}

int
endorse_https_get(char **body, size_t *len, char **reason, const char *host, const char *path,
	const char *pinned, const endorse_net_options *net, long timeout_ms)
{
	struct sink s = {.max = ENDORSE_WELL_KNOWN_MAX};
	struct curl_slist *resolve = NULL, *connect_to = NULL;
	char errbuf[CURL_ERROR_SIZE] = "", *url = NULL;
	size_t url_size = strlen("https://") + strlen(host) + strlen(path) + 1;
	long status = 0;
	CURLcode code;
	int rc = 0;

	*body = NULL;
	*len = 0;
	*reason = NULL;
	if ((url = malloc(url_size)) == NULL || (s.curl = curl_easy_init()) == NULL ||
	    !append_all(&resolve, net->resolve, net->resolve_count) ||
	    (pinned != NULL && !append_all(&resolve, &pinned, 1)) ||
	    !append_all(&connect_to, net->connect_to, net->connect_to_count)) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	(void)snprintf(url, url_size, "https://%s%s", host, path);
	code = set_common(&s, errbuf, url, "https", timeout_ms);
	if (code == CURLE_OK)
		code = set_trust(s.curl, net->cacert);
	if (code == CURLE_OK && resolve != NULL)
		code = curl_easy_setopt(s.curl, CURLOPT_RESOLVE, resolve);
	if (code == CURLE_OK && connect_to != NULL)
		code = curl_easy_setopt(s.curl, CURLOPT_CONNECT_TO, connect_to);
	if (code != CURLE_OK) {
		rc = endorse_error_set(ENDORSE_EIO, NULL,
			"libcurl refused an option of the check: %s",
			curl_easy_strerror(code));
		goto out;
	}
	code = curl_easy_perform(s.curl);
	if (curl_easy_getinfo(s.curl, CURLINFO_RESPONSE_CODE, &status) != CURLE_OK)
		status = 0;
	if (code == CURLE_OK && status == 200) {
		*body = s.data != NULL ? s.data : strdup("");
		*len = s.len;
		s.data = NULL;
		if (*body == NULL)
			rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	if ((*reason = describe(code, errbuf, &s, status, timeout_ms)) == NULL)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
out:
	curl_slist_free_all(resolve);
	curl_slist_free_all(connect_to);
	curl_easy_cleanup(s.curl);
	free(s.data);
	free(url);
	return rc;
}

void
endorse_http_response_clear(endorse_http_response *res)
{
	free(res->body);
	free(res->content_type);
	free(res->reason);
	memset(res, 0, sizeof(*res));
}

/* The answer's status, content type and body: curl's, copied. */
static int
keep_answer(endorse_http_response *res, struct sink *s)
{
	char *type = NULL;

	if (curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &res->status) != CURLE_OK)
		res->status = 0;
	if (curl_easy_getinfo(s->curl, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type != NULL &&
	    (res->content_type = strdup(type)) == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	res->body = s->data != NULL ? s->data : strdup("");
	res->len = s->len;
	s->data = NULL;
	if (res->body == NULL)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	return 0;
}

int
endorse_http_post(endorse_http_response *res, const char *url, const char *content_type,
	const char *body, size_t len, size_t max, long timeout_ms, const char *cacert)
{
	struct sink s = {.max = max, .any_status = true};
	struct curl_slist *headers = NULL, *grown;
	char errbuf[CURL_ERROR_SIZE] = "", header[128];
	CURLcode code;
	int rc = 0;

	memset(res, 0, sizeof(*res));
	(void)snprintf(header, sizeof(header), "Content-Type: %s", content_type);
	if ((s.curl = curl_easy_init()) == NULL ||
	    (headers = curl_slist_append(NULL, header)) == NULL ||
	    /* no "Expect: 100-continue" round trip before the body */
	    (grown = curl_slist_append(headers, "Expect:")) == NULL) {
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
		goto out;
	}
	headers = grown;
	code = set_common(&s, errbuf, url, "http,https", timeout_ms);
	if (code == CURLE_OK) code = curl_easy_setopt(s.curl, CURLOPT_POSTFIELDS, body);
	if (code == CURLE_OK) code = curl_easy_setopt(s.curl, CURLOPT_POSTFIELDSIZE_LARGE,
		(curl_off_t)len);
	if (code == CURLE_OK) code = curl_easy_setopt(s.curl, CURLOPT_HTTPHEADER, headers);
	if (code == CURLE_OK) code = set_trust(s.curl, cacert);
	if (code != CURLE_OK) {
		rc = endorse_error_set(ENDORSE_EIO, NULL, "libcurl refused an option of the request: %s",
			curl_easy_strerror(code));
		goto out;
	}
	code = curl_easy_perform(s.curl);
	if ((rc = keep_answer(res, &s)) != 0 || code == CURLE_OK)
		goto out;
	free(res->body);
	res->body = NULL;
	res->len = 0;
	if ((res->reason = describe(code, errbuf, &s, res->status, timeout_ms)) == NULL)
		rc = endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
out:
	curl_slist_free_all(headers);
	curl_easy_cleanup(s.curl);
	free(s.data);
	return rc;
}
