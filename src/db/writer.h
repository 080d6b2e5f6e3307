/* The writer: one thread that owns the store's writes and commits them in groups, and a
 * second that makes them durable while the first runs the next group.
 *
 * Deadlines bunch thousands of submissions into the last hours. Committed one by one, each
 * pays its own fsync and holds the write lock for it; committed together, a group of
 * writes pays one. The writer takes every job queued while the previous group was being
 * committed, opens one transaction, runs each job in its own savepoint (store_tx_begin
 * nests), and commits once without waiting for the disk (store_tx_begin_unsynced). The
 * syncer then syncs every group committed since its last sync in one go (store_sync) and
 * only then tells each job how it ended. Durability is unchanged: a job learns its writes
 * are durable only after the fsync that covers their commit.
 *
 *   writer:  BEGIN; SAVEPOINT… ×n; COMMIT │ BEGIN; … next group … COMMIT │ …
 *   syncer:                               │ fdatasync; done(1) done(2) … │ …
 *
 * A job whose run fails is rolled back to its savepoint; the others keep their writes. A
 * commit that fails (a full disk, an I/O error) fails every job of its group. A sync that
 * fails stops the process (the state of the disk is then unknown; the database recovers at
 * the next start). done runs on the syncer thread, in commit order: what is kept in memory
 * from the store (roll-ups, caches) moves there, and waiting requests are resumed from
 * there. A done must not wait for another job (it would wait for itself).
 *
 * Other threads' reads see a group's writes from its commit, a few milliseconds before they
 * are durable and acknowledged; no one is told they are written before they are.
 *
 * A job marked barrier waits for every earlier job's done, then starts a group of its own:
 * it reads state that the done of earlier jobs moves (a level's submission freezes the
 * roll-up's totals). */
#ifndef SUOTDOI_DB_WRITER_H
#define SUOTDOI_DB_WRITER_H

#include <stddef.h>

#include "core/prom.h"
#include "db/store.h"

typedef struct writer writer_t;

typedef struct writer_job {
	/* On the writer thread inside the group's transaction (in its savepoint): 0 keeps
	 * what it wrote, anything else rolls it back. May be NULL (nothing to write: done
	 * still comes after the jobs queued before it are durable). */
	int (*run)(void *arg);
	/* After the group's sync: durable 1 when run returned 0 and the commit succeeded. */
	void (*done)(void *arg, int durable);
	void *arg;
	int barrier;
	/* the writer's */
	int ok;
	struct writer_job *next;
} writer_job_t;

typedef struct writer_stats {
	unsigned long long groups, jobs, failed, max_group;
	unsigned long long syncs;
	/* nanoseconds spent running jobs, committing (without the fsync), syncing (the
	 * fsync), and in their done */
	unsigned long long run_ns, commit_ns, sync_ns, done_ns;
	/* for /metrics: jobs queued and not yet taken into a group (now); groups by size
	 * (writer_group_bounds), commits by time without the fsync, fsyncs by time
	 * (prom_seconds_bounds, nanoseconds) */
	unsigned long long queued;
	prom_hist_t group_size, commit_time, sync_time;
} writer_stats_t;
/* The bounds of writer_stats_t.group_size: 1 2 4 8 ... 512 writes. */
#define WRITER_GROUP_BUCKETS 10
extern const uint64_t writer_group_bounds[WRITER_GROUP_BUCKETS];

/* Starts the writer thread over st. max_group caps a group (0: 512). NULL on failure. */
writer_t *writer_start(store_t *st, size_t max_group);
/* Runs what is queued, then stops the thread (logging its stats). New submissions after
 * this are refused. */
void writer_stop(writer_t *w);
/* Queues job (owned by the caller until its done has run). -1 when stopping (done is not
 * called). */
int writer_submit(writer_t *w, writer_job_t *job);
/* Runs run(arg) as a job and waits for the end of its group: returns run's result, or -1
 * when the commit failed. On the writer thread itself (a job's done writing again) it runs
 * run inline in a transaction of its own. */
int writer_run(writer_t *w, int (*run)(void *arg), void *arg);
/* 1 when called on w's thread. */
int writer_is_self(const writer_t *w);
void writer_get_stats(writer_t *w, writer_stats_t *out /* OUT */);

#endif
