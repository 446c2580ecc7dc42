/* Preparing log lines on every core. All that can be known of a line
 * without the lines before it (its hashes, its JSON and field values, its
 * keys' points, its signatures) is computed by worker threads, a batch at a
 * time, while the replay applies the batch before in order. The replay then
 * gives the same results, in the same order, as checking each line alone:
 * a signature's validity depends only on the line and the log's origin. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "entry.h"
#include "error.h"
#include "points.h"
#include "prepare.h"
#include "statement.h"

/* Lines a worker takes at a time: enough to make taking them cheap. */
#define GRAIN 16

struct endorse_workers {
	const char *origin;
	endorse_points *points;
	pthread_t *threads;
	unsigned jobs;           /* threads wanted */
	unsigned count;          /* threads started; 0: the caller prepares */
	pthread_mutex_t lock;
	pthread_cond_t wake;     /* a batch was given, or stop */
	pthread_cond_t done;     /* a worker finished the batch */
	endorse_prepared *lines;
	size_t n;
	atomic_size_t next;      /* the next line to take */
	unsigned busy;           /* workers still on the batch */
	uint64_t batch;          /* counts batches, so a worker takes each once */
	bool stop;
};

static void
check_signatures_ahead(endorse_prepared *p, const char *origin)
{
	const endorse_entry *e = &p->entry;
	uint8_t *m = NULL;
	size_t len = 0;

	if (endorse_signed_message_of_line(&m, &len, origin, p->text, p->len, &e->statement) != 0)
		return;  /* out of memory: the replay checks them itself */
	p->sigs.sig_ok = endorse_vkey_verify(&e->signer, e->sig, m, len);
	if (e->has_new_sig)
		p->sigs.new_sig_ok = endorse_vkey_verify(&e->other, e->new_sig, m, len);
	p->sigs.checked = true;
	free(m);
}

static void
prepare_line(endorse_prepared *p, const char *origin, endorse_points *points)
{
	if (!p->hashed) {
		crypto_hash_sha256(p->hash, (const uint8_t *)p->text, p->len);
		endorse_merkle_leaf_hash(p->leaf, (const uint8_t *)p->text, p->len);
		p->hashed = true;
	}
	if (p->text == NULL)
		return;
	p->parse_rc = endorse_entry_parse_points(&p->entry, p->text, p->len, points);
	if (p->parse_rc == 0)
		check_signatures_ahead(p, origin);
	else
		endorse_error_save(&p->parse_error);
}

/* Takes lines of the current batch until none is left. */
static void
prepare_some(struct endorse_workers *w)
{
	for (;;) {
		size_t i = atomic_fetch_add(&w->next, GRAIN);

		if (i >= w->n)
			return;
		for (size_t j = i; j < i + GRAIN && j < w->n; j++)
			prepare_line(&w->lines[j], w->origin, w->points);
	}
}

static void *
worker_main(void *arg)
{
	struct endorse_workers *w = arg;
	uint64_t seen = 0;

	(void)pthread_mutex_lock(&w->lock);
	for (;;) {
		while (!w->stop && w->batch == seen)
			(void)pthread_cond_wait(&w->wake, &w->lock);
		if (w->stop)
			break;
		seen = w->batch;
		(void)pthread_mutex_unlock(&w->lock);
		prepare_some(w);
		(void)pthread_mutex_lock(&w->lock);
		if (--w->busy == 0)
			(void)pthread_cond_signal(&w->done);
	}
	(void)pthread_mutex_unlock(&w->lock);
	return NULL;
}

unsigned
endorse_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > ENDORSE_MAX_JOBS ? ENDORSE_MAX_JOBS : (unsigned)n;
}

static void
stop_threads(struct endorse_workers *w, unsigned started)
{
	(void)pthread_mutex_lock(&w->lock);
	w->stop = true;
	(void)pthread_cond_broadcast(&w->wake);
	(void)pthread_mutex_unlock(&w->lock);
	for (unsigned i = 0; i < started; i++)
		(void)pthread_join(w->threads[i], NULL);
}

/* The threads start with the first batch worth them, so that a small log
 * (and a fuzzer's run) costs no thread. */
static int
start_threads(struct endorse_workers *w)
{
	unsigned started = 0;

	/* Any failure here only means no threads: the caller prepares alone. */
	if (pthread_mutex_init(&w->lock, NULL) != 0)
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	if (pthread_cond_init(&w->wake, NULL) != 0)
		goto no_wake;
	if (pthread_cond_init(&w->done, NULL) != 0)
		goto no_done;
	if ((w->threads = calloc(w->jobs, sizeof(*w->threads))) == NULL)
		goto no_threads;
	for (; started < w->jobs; started++)
		if (pthread_create(&w->threads[started], NULL, worker_main, w) != 0)
			break;
	w->count = started;
	if (started > 0)
		return 0;  /* fewer threads than asked only make it slower */
no_threads:
	(void)pthread_cond_destroy(&w->done);
no_done:
	(void)pthread_cond_destroy(&w->wake);
no_wake:
	(void)pthread_mutex_destroy(&w->lock);
	return endorse_error_set(ENDORSE_ENOMEM, NULL, "cannot start threads to verify with");
}

int
endorse_workers_new(endorse_workers **out, unsigned jobs, const char *origin)
{
	struct endorse_workers *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (w == NULL || (w->points = endorse_points_new()) == NULL) {
		free(w);
		return endorse_error_set(ENDORSE_ENOMEM, NULL, "out of memory");
	}
	w->origin = origin;
	if (jobs == 0)
		jobs = endorse_default_jobs();
	w->jobs = jobs > ENDORSE_MAX_JOBS ? ENDORSE_MAX_JOBS : jobs;
	*out = w;
	return 0;
}

void
endorse_workers_free(endorse_workers *w)
{
	if (w == NULL)
		return;
	if (w->count > 0) {
		stop_threads(w, w->count);
		(void)pthread_cond_destroy(&w->wake);
		(void)pthread_cond_destroy(&w->done);
		(void)pthread_mutex_destroy(&w->lock);
	}
	free(w->threads);
	endorse_points_free(w->points);
	free(w);
}

void
endorse_workers_start(endorse_workers *w, endorse_prepared *lines, size_t n)
{
	if (w->count == 0 && w->jobs > 1 && n > (size_t)8 * GRAIN && w->threads == NULL)
		(void)start_threads(w);
	if (w->count == 0) {
		for (size_t i = 0; i < n; i++)
			prepare_line(&lines[i], w->origin, w->points);
		return;
	}
	(void)pthread_mutex_lock(&w->lock);
	w->lines = lines;
	w->n = n;
	atomic_store(&w->next, 0);
	w->busy = w->count;
	w->batch++;
	(void)pthread_cond_broadcast(&w->wake);
	(void)pthread_mutex_unlock(&w->lock);
}

void
endorse_workers_wait(endorse_workers *w)
{
	if (w->count == 0)
		return;
	(void)pthread_mutex_lock(&w->lock);
	while (w->busy > 0)
		(void)pthread_cond_wait(&w->done, &w->lock);
	(void)pthread_mutex_unlock(&w->lock);
}
