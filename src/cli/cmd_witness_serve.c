/* endorse witness serve: a C2SP tlog-witness server for the logs of a
 * logs/v0 list, endorse logs or any other. */
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "key_files.h"
#include "util.h"
#include "witness_http.h"

enum { OPT_KEY = 256, OPT_PASS, OPT_LISTEN, OPT_LOGS, OPT_STATE };

static const char usage_line[] =
	"endorse witness serve --key KEY [--passphrase-file FILE] --listen ADDR:PORT\n"
	"                             --logs FILE --state DIR";

static void
help(void)
{
	printf("usage: %s\n\n"
		"Serve as a witness over HTTP (C2SP tlog-witness): a log posts its new\n"
		"checkpoint to /add-checkpoint with a consistency proof from the last one\n"
		"this witness cosigned, and gets this witness's cosignature if the new one\n"
		"extends it. Logs of any kind, endorse or not, named in the --logs file.\n"
		"GET /<SHA-256 of an origin, hex>/checkpoint shows the last checkpoint\n"
		"cosigned for that origin. One line per request on standard error; SIGTERM\n"
		"or SIGINT stops the server once the requests under way are answered.\n"
		"Plain HTTP: put a TLS proxy in front of it to serve HTTPS (the answers are\n"
		"signed, nothing in them is secret).\n\n"
		"      --key KEY              the witness's secret key (endorse keygen --witness),\n"
		"                             a file or a key name\n"
		"      --passphrase-file FILE read the key's passphrase from FILE (- is standard\n"
		"                             input); without it, ask on the terminal\n"
		"      --listen ADDR:PORT     the address to listen on: an IPv4 address or an\n"
		"                             IPv6 one in brackets, and a port (0: any free port)\n"
		"      --logs FILE            the logs to witness, in the witness network's\n"
		"                             logs/v0 format (vkey, origin lines)\n"
		"      --state DIR            the witness's memory of each log (made if absent;\n"
		"                             the same directory as endorse cosign --state)\n\n"
		"Example:\n"
		"  endorse witness serve --key witness.example.org --listen 127.0.0.1:8080 \\\n"
		"      --logs /etc/endorse/logs --state /var/lib/endorse-witness\n\n"
		"Exit status: 0 stopped by a signal, 2 could not start.\n",
		usage_line);
}

struct serve_options {
	const char *key, *pass_file, *listen, *logs, *state;
};

/* ADDR:PORT, ADDR numeric (IPv6 in brackets), PORT decimal. */
static int
parse_listen(struct addrinfo **ai, const char *listen)
{
	struct addrinfo hints = {0};
	const char *colon = strrchr(listen, ':');
	char host[64];
	size_t n;
	int rc;

	*ai = NULL;
	if (colon == NULL || colon[1] == '\0') {
		(void)cli_error("--listen %s: expected ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080",
			listen);
		return -1;
	}
	n = (size_t)(colon - listen);
	if (n >= 2 && listen[0] == '[' && listen[n - 1] == ']') {
		listen++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(host)) {
		(void)cli_error("--listen: the address is missing or too long");
		return -1;
	}
	memcpy(host, listen, n);
	host[n] = '\0';
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, colon + 1, &hints, ai)) != 0) {
		(void)cli_error("--listen: %s:%s is not a numeric address and port: %s", host,
			colon + 1, gai_strerror(rc));
		return -1;
	}
	return 0;
}

static int
parse(struct serve_options *o, int argc, char **argv)
{
	static const struct option options[] = {
		{"key", required_argument, NULL, OPT_KEY},
		{"passphrase-file", required_argument, NULL, OPT_PASS},
		{"listen", required_argument, NULL, OPT_LISTEN},
		{"logs", required_argument, NULL, OPT_LOGS},
		{"state", required_argument, NULL, OPT_STATE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case OPT_KEY: o->key = optarg; break;
		case OPT_PASS: o->pass_file = optarg; break;
		case OPT_LISTEN: o->listen = optarg; break;
		case OPT_LOGS: o->logs = optarg; break;
		case OPT_STATE: o->state = optarg; break;
		case 'h': help(); return -1;
		default: return 1;
		}
	}
	if (optind != argc || o->key == NULL || o->listen == NULL || o->logs == NULL ||
	    o->state == NULL)
		return 1;
	return 0;
}

static int
load_logs(endorse_log_list **logs, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	int rc = cli_read_file(&text, &len, path, ENDORSE_LOG_LIST_FILE_MAX);

	if (rc == 0 && (rc = endorse_log_list_parse(logs, text, len)) != 0)
		rc = cli_error("%s: %s", path, endorse_error_get()->message);
	free(text);
	return rc;
}

/* Serves until SIGTERM or SIGINT, which every thread leaves to this one. */
static int
serve(const endorse_witness_service *w, const struct addrinfo *ai, const char *listen,
	const char *shown_host)
{
	struct witness_http *http = NULL;
	unsigned short port = 0;
	sigset_t stop;
	int sig = 0;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	(void)signal(SIGPIPE, SIG_IGN);
	if (witness_http_start(&http, w, ai->ai_addr, &port) != 0)
		return cli_error("cannot listen on %s (in use, or not an address of this machine)",
			listen);
	fprintf(stderr, "endorse witness serve: listening on http://%s%s%s:%u/ as ",
		ai->ai_family == AF_INET6 ? "[" : "", shown_host, ai->ai_family == AF_INET6 ? "]" : "",
		port);
	cli_print_safe(stderr, endorse_secret_key_vkey(w->key)->name);
	fprintf(stderr, ", witnessing %zu log%s\n", endorse_log_list_count(w->logs),
		endorse_log_list_count(w->logs) == 1 ? "" : "s");
	(void)sigwait(&stop, &sig);
	fprintf(stderr, "endorse witness serve: stopping (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	witness_http_stop(http);
	return EXIT_VALID;
}

int
cmd_witness_serve(int argc, char **argv)
{
	struct serve_options o = {0};
	endorse_secret_key *key = NULL;
	endorse_log_list *logs = NULL;
	struct addrinfo *ai = NULL;
	char host[64];
	int rc;

	if ((rc = parse(&o, argc, argv)) != 0)
		return rc < 0 ? EXIT_VALID : cli_usage(usage_line);
	if (parse_listen(&ai, o.listen) != 0 || load_logs(&logs, o.logs) != 0 ||
	    cli_load_key(&key, o.key, o.pass_file) != 0) {
		rc = EXIT_TROUBLE;
		goto out;
	}
	endorse_witness_service w = {logs, key, o.state};
	if (endorse_witness_service_check(&w) != 0) {
		rc = cli_library_error(ENDORSE_EIO);
		goto out;
	}
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
		(void)snprintf(host, sizeof(host), "?");
	rc = serve(&w, ai, o.listen, host);
out:
	if (ai != NULL)
		freeaddrinfo(ai);
	endorse_log_list_free(logs);
	endorse_secret_key_free(key);
	return rc;
}
