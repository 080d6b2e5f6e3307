/* The group-committing writer (see writer.h). */
#include "db/writer.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/log.h"
#include "core/mem.h"

#define WRITER_NICE (-10)

const uint64_t writer_group_bounds[WRITER_GROUP_BUCKETS] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

/* A committed group on its way to the disk. */
typedef struct group {
	writer_job_t *jobs;
	size_t n;
	int committed;
	struct group *next;
} group_t;

struct writer {
	store_t *st;
	size_t max_group;
	pthread_t th, syncer;
	pthread_mutex_t mu;
	pthread_cond_t more;        /* a job was queued, or stopping */
	pthread_cond_t synced;      /* the syncer finished groups, or has some to sync */
	writer_job_t *head, **tail; /* queued, oldest first */
	group_t *gq, **gq_tail;     /* committed, not yet synced, oldest first */
	unsigned long long committed_groups, finished_groups;
	int stopping, writer_done;
	int nice; /* of both threads */
	writer_stats_t stats;
};

static unsigned long long
now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

/* Every write of the server waits for these threads, while readers are many and
 * closed-loop: on a busy machine the scheduler's fairness would give them one share among
 * dozens (measured at 64 writers + 16 dashboard readers on 2 cores: 870 pairs/s at nice 0,
 * 1,199 at -10). Raising a thread's priority needs CAP_SYS_NICE (root, or the systemd
 * unit's AmbientCapabilities); without it the call fails and nothing changes.
 *
 * The writer threads' nice value: SUOTDOI_WRITER_NICE, else WRITER_NICE. The operator's
 * choice: nearer 0 leaves more of a saturated CPU to readers (measured on 2 cores at 64
 * writers + 16 readers: nice 0 gave 1,284-1,417 pairs/s with a dashboard p99 of 9.5-11 ms,
 * -10 gave 1,525-1,589 pairs/s with 13.6-16 ms). */
static int
writer_nice(void)
{
	int nice = WRITER_NICE;
	const char *env = getenv("SUOTDOI_WRITER_NICE");
	if (env && *env) {
		char *end;
		long v = strtol(env, &end, 10);
		if (*end == '\0' && v >= -20 && v <= 19)
			nice = (int)v;
		else
			log_error("SUOTDOI_WRITER_NICE=%s: không phải mức ưu tiên hợp lệ (số "
			          "nguyên từ "
			          "-20 đến 19); dùng %d.",
			          env, nice);
	}
	return nice;
}

static void
raise_priority(const char *name, int nice)
{
	pthread_setname_np(pthread_self(), name);
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
}

static int
run_job(writer_t *w, writer_job_t *j)
{
	if (j->run == NULL)
		return 0;
	if (store_tx_begin(w->st) < 0)
		return -1;
	if (j->run(j->arg) != 0) {
		store_tx_rollback(w->st);
		return -1;
	}
	return store_tx_commit(w->st) < 0 ? -1 : 0;
}

/* Takes the next group off the queue: everything queued up to max_group, stopping before
 * a barrier job unless it comes first. Called with mu held; NULL when empty. */
static writer_job_t *
take_group(writer_t *w, size_t *n)
{
	writer_job_t *first = w->head, *last = NULL;
	*n = 0;
	for (writer_job_t *j = first; j && *n < w->max_group; j = j->next) {
		if (j->barrier && j != first)
			break;
		last = j;
		++*n;
		if (j->barrier)
			break;
	}
	if (last == NULL)
		return NULL;
	w->head = last->next;
	if (w->head == NULL)
		w->tail = &w->head;
	last->next = NULL;
	w->stats.queued -= *n;
	return first;
}

/* Runs a group's jobs in one transaction and commits it without waiting for the disk;
 * the syncer makes it durable and tells the jobs. */
static void
commit_group(writer_t *w, writer_job_t *g, size_t n)
{
	int any = 0;
	for (writer_job_t *j = g; j; j = j->next)
		any |= j->run != NULL;
	int committed = 1;
	unsigned long long t0 = now_ns(), t1 = t0, t2 = t0;
	if (any) {
		if (store_tx_begin_unsynced(w->st) < 0)
			committed = 0;
		else {
			for (writer_job_t *j = g; j; j = j->next)
				j->ok = run_job(w, j) == 0;
			t1 = now_ns();
			committed = store_tx_commit(w->st) == 0;
			t2 = now_ns();
		}
		if (!committed)
			log_error("writer: a group of %zu writes could not be committed", n);
	} else
		for (writer_job_t *j = g; j; j = j->next)
			j->ok = 1;
	group_t *gr = xcalloc(1, sizeof *gr);
	*gr = (group_t){g, n, committed, NULL};
	pthread_mutex_lock(&w->mu);
	w->stats.run_ns += t1 - t0;
	w->stats.commit_ns += t2 - t1;
	prom_hist_observe(&w->stats.group_size, writer_group_bounds, WRITER_GROUP_BUCKETS, n);
	if (any)
		prom_hist_observe(&w->stats.commit_time, prom_seconds_bounds, PROM_SECONDS_BUCKETS,
		                  t2 - t1);
	*w->gq_tail = gr;
	w->gq_tail = &gr->next;
	w->committed_groups++;
	pthread_cond_broadcast(&w->synced);
	pthread_mutex_unlock(&w->mu);
}

/* The syncer: one fdatasync for every group committed since the last, then each job's
 * done, in commit order. A failed fdatasync leaves the state of the disk unknown (Linux
 * may have dropped the pages it could not write): nothing can be acknowledged or retried
 * honestly, so the process stops and the database recovers at the next start, as after a
 * power cut. */
static void *
sync_loop(void *arg)
{
	writer_t *w = arg;
	raise_priority("writer-sync", w->nice);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		if (w->gq == NULL) {
			if (w->writer_done)
				break;
			pthread_cond_wait(&w->synced, &w->mu);
			continue;
		}
		group_t *gs = w->gq;
		w->gq = NULL;
		w->gq_tail = &w->gq;
		pthread_mutex_unlock(&w->mu);
		unsigned long long t0 = now_ns();
		if (store_sync(w->st) < 0) {
			log_error("writer: the disk refused to make committed writes durable; "
			          "stopping");
			abort();
		}
		unsigned long long t1 = now_ns();
		size_t ngroups = 0, njobs = 0, failed = 0, largest = 0;
		for (group_t *gr = gs, *gnext; gr; gr = gnext) {
			gnext = gr->next;
			for (writer_job_t *j = gr->jobs, *next; j; j = next) {
				next = j->next; /* done may free the job */
				int durable = gr->committed && j->ok;
				failed += !durable;
				j->done(j->arg, durable);
			}
			ngroups++;
			njobs += gr->n;
			if (gr->n > largest)
				largest = gr->n;
			free(gr);
		}
		unsigned long long t2 = now_ns();
		pthread_mutex_lock(&w->mu);
		w->stats.sync_ns += t1 - t0;
		w->stats.syncs++;
		prom_hist_observe(&w->stats.sync_time, prom_seconds_bounds, PROM_SECONDS_BUCKETS,
		                  t1 - t0);
		w->stats.done_ns += t2 - t1;
		w->stats.groups += ngroups;
		w->stats.jobs += njobs;
		w->stats.failed += failed;
		if (largest > w->stats.max_group)
			w->stats.max_group = largest;
		w->finished_groups += ngroups;
		pthread_cond_broadcast(&w->synced);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void *
loop(void *arg)
{
	writer_t *w = arg;
	raise_priority("writer", w->nice);
	pthread_mutex_lock(&w->mu);
	for (;;) {
		size_t n;
		writer_job_t *g = take_group(w, &n);
		if (g == NULL) {
			if (w->stopping)
				break;
			pthread_cond_wait(&w->more, &w->mu);
			continue;
		}
		/* a barrier reads what the done of earlier jobs moves: wait for them */
		while (g->barrier && w->finished_groups != w->committed_groups)
			pthread_cond_wait(&w->synced, &w->mu);
		pthread_mutex_unlock(&w->mu);
		commit_group(w, g, n);
		pthread_mutex_lock(&w->mu);
	}
	w->writer_done = 1;
	pthread_cond_broadcast(&w->synced);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

writer_t *
writer_start(store_t *st, size_t max_group)
{
	writer_t *w = xcalloc(1, sizeof *w);
	w->st = st;
	w->max_group = max_group ? max_group : 512;
	w->nice = writer_nice();
	w->tail = &w->head;
	w->gq_tail = &w->gq;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->more, NULL);
	pthread_cond_init(&w->synced, NULL);
	/* SIGINT and SIGTERM are for the thread that stops the server gracefully (it waits for
	 * them); a thread of ours that could take one would die with the process instead */
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	int ok = pthread_create(&w->syncer, NULL, sync_loop, w) == 0;
	if (ok && pthread_create(&w->th, NULL, loop, w) != 0) {
		pthread_mutex_lock(&w->mu);
		w->writer_done = 1;
		pthread_cond_broadcast(&w->synced);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->syncer, NULL);
		ok = 0;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ok) {
		pthread_cond_destroy(&w->synced);
		pthread_cond_destroy(&w->more);
		pthread_mutex_destroy(&w->mu);
		free(w);
		return NULL;
	}
	return w;
}

void
writer_stop(writer_t *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->th, NULL);
	pthread_join(w->syncer, NULL);
	if (w->stats.jobs > 0)
		log_info("writer: %llu writes in %llu groups (largest %llu, %llu failed), %llu "
		         "syncs; %.1f ms running them, %.1f ms committing, %.1f ms syncing, "
		         "%.1f ms after",
		         w->stats.jobs, w->stats.groups, w->stats.max_group, w->stats.failed,
		         w->stats.syncs, (double)w->stats.run_ns / 1e6,
		         (double)w->stats.commit_ns / 1e6, (double)w->stats.sync_ns / 1e6,
		         (double)w->stats.done_ns / 1e6);
	pthread_cond_destroy(&w->synced);
	pthread_cond_destroy(&w->more);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

int
writer_submit(writer_t *w, writer_job_t *job)
{
	job->next = NULL;
	job->ok = 0;
	pthread_mutex_lock(&w->mu);
	if (w->stopping) {
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	*w->tail = job;
	w->tail = &job->next;
	w->stats.queued++;
	pthread_cond_signal(&w->more);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int
writer_is_self(const writer_t *w)
{
	return w != NULL && pthread_equal(w->th, pthread_self());
}

typedef struct waiting {
	int (*run)(void *arg);
	void *arg;
	int rc, finished;
	pthread_mutex_t mu;
	pthread_cond_t cv;
} waiting_t;

static int
waiting_run(void *arg)
{
	waiting_t *x = arg;
	x->rc = x->run(x->arg);
	return x->rc;
}

static void
waiting_done(void *arg, int durable)
{
	waiting_t *x = arg;
	pthread_mutex_lock(&x->mu);
	if (!durable && x->rc == 0)
		x->rc = -1;
	x->finished = 1;
	pthread_cond_signal(&x->cv);
	pthread_mutex_unlock(&x->mu);
}

int
writer_run(writer_t *w, int (*run)(void *arg), void *arg)
{
	if (writer_is_self(w)) {
		if (store_tx_begin(w->st) < 0)
			return -1;
		int rc = run(arg);
		if (rc != 0) {
			store_tx_rollback(w->st);
			return rc;
		}
		return store_tx_commit(w->st) < 0 ? -1 : 0;
	}
	waiting_t x = {.run = run, .arg = arg, .rc = -1};
	pthread_mutex_init(&x.mu, NULL);
	pthread_cond_init(&x.cv, NULL);
	writer_job_t job = {.run = waiting_run, .done = waiting_done, .arg = &x};
	if (writer_submit(w, &job) < 0) {
		pthread_cond_destroy(&x.cv);
		pthread_mutex_destroy(&x.mu);
		return -1;
	}
	pthread_mutex_lock(&x.mu);
	while (!x.finished)
		pthread_cond_wait(&x.cv, &x.mu);
	pthread_mutex_unlock(&x.mu);
	pthread_cond_destroy(&x.cv);
	pthread_mutex_destroy(&x.mu);
	return x.rc;
}

void
writer_get_stats(writer_t *w, writer_stats_t *out)
{
	pthread_mutex_lock(&w->mu);
	*out = w->stats;
	pthread_mutex_unlock(&w->mu);
}
