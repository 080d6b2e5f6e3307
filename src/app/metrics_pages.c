/* Monitoring: GET /metrics, the Prometheus text exposition (docs/metrics.md), open only to
 * metrics_allow, app/settings.h (the guard's "metrics" action); GET /readyz, whether this instance can
 * serve (the database answers and holds the schema this binary knows), for load balancers.
 * Everything here is read when scraped: the hot paths only bump counters. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/pagecache.h"
#include "core/log.h"
#include "core/prom.h"
#include "db/writer.h"
#include "http/stats.h"
#include "service/reporting.h"

#ifndef SUOTDOI_VERSION
#define SUOTDOI_VERSION "unknown"
#endif

/* When the process started, in Unix seconds: its start in clock ticks after boot
 * (/proc/self/stat, field 22) plus the boot time (/proc/stat, btime). 0 when unknown. */
static double
process_start_time(void)
{
	char buf[1024];
	double start = 0, btime = 0;
	FILE *f = fopen("/proc/self/stat", "r");
	if (f) {
		size_t n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		/* the command name (field 2) may hold spaces: count fields after its ')' */
		const char *p = strrchr(buf, ')');
		unsigned long long ticks = 0;
		if (p && sscanf(p + 2,
		                "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
		                "%*d %*d %*d %*d %llu",
		                &ticks) == 1)
			start = (double)ticks / (double)sysconf(_SC_CLK_TCK);
	}
	f = fopen("/proc/stat", "r");
	if (f) {
		while (fgets(buf, sizeof buf, f))
			if (sscanf(buf, "btime %lf", &btime) == 1)
				break;
		fclose(f);
	}
	return btime > 0 ? btime + start : 0;
}

/* Resident memory in bytes (/proc/self/statm, second field in pages). */
static double
resident_bytes(void)
{
	unsigned long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f == NULL)
		return 0;
	if (fscanf(f, "%lu %lu", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return (double)rss * (double)sysconf(_SC_PAGESIZE);
}

/* Open file descriptors (the entries of /proc/self/fd, less the one reading it). */
static double
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (d == NULL)
		return 0;
	long n = 0;
	for (struct dirent *e; (e = readdir(d)) != NULL;)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return (double)(n > 0 ? n - 1 : 0);
}

static void
gauge(buf_t *b, const char *name, const char *help, double v)
{
	prom_family(b, name, "gauge", help);
	prom_sample(b, name, NULL, v);
}

static void
counter(buf_t *b, const char *name, const char *help, double v)
{
	prom_family(b, name, "counter", help);
	prom_sample(b, name, NULL, v);
}

static void
write_process(buf_t *b, app_t *app)
{
	buf_t lab = BUF_INIT;
	prom_label(&lab, "version", SUOTDOI_VERSION);
	prom_label(&lab, "backend", store_backend_name(app->store));
	prom_family(b, "suotdoi_build_info", "gauge",
	            "Always 1; the labels say the program's version and the store's backend.");
	prom_sample(b, "suotdoi_build_info", buf_cstr(&lab), 1);
	buf_free(&lab);
	double start = process_start_time();
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	double t = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
	gauge(b, "process_start_time_seconds", "When the process started, in Unix seconds.", start);
	gauge(b, "suotdoi_uptime_seconds", "Seconds since the process started.",
	      start > 0 ? t - start : 0);
	gauge(b, "process_resident_memory_bytes", "Resident memory (RSS) in bytes.",
	      resident_bytes());
	gauge(b, "process_open_fds", "Open file descriptors (connections, database files).",
	      open_fds());
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		gauge(b, "process_max_fds", "The limit of open file descriptors (RLIMIT_NOFILE).",
		      (double)rl.rlim_cur);
}

static void
write_writer(buf_t *b, app_t *app)
{
	if (app->writer == NULL)
		return;
	writer_stats_t ws;
	writer_get_stats(app->writer, &ws);
	gauge(b, "suotdoi_writer_queue_depth",
	      "Writes queued for the writer and not yet taken into a group.", (double)ws.queued);
	counter(b, "suotdoi_writer_commits_total",
	        "Groups of writes committed in one transaction (one COMMIT each).",
	        (double)ws.commit_time.count);
	counter(b, "suotdoi_writer_writes_total",
	        "Writes (jobs) whose end was told, durable or not.", (double)ws.jobs);
	counter(b, "suotdoi_writer_failed_writes_total",
	        "Writes refused or rolled back (a conflict, a check, a store error).",
	        (double)ws.failed);
	counter(b, "suotdoi_writer_syncs_total",
	        "fsyncs making committed groups durable (one may cover several groups).",
	        (double)ws.syncs);
	prom_family(b, "suotdoi_writer_group_size", "histogram",
	            "Writes per group (per commit): how much the group commit saves.");
	prom_hist_write(b, "suotdoi_writer_group_size", NULL, &ws.group_size, writer_group_bounds,
	                WRITER_GROUP_BUCKETS, 1);
	prom_family(b, "suotdoi_writer_commit_duration_seconds", "histogram",
	            "Time of a group's COMMIT, without the fsync.");
	prom_hist_write(b, "suotdoi_writer_commit_duration_seconds", NULL, &ws.commit_time,
	                prom_seconds_bounds, PROM_SECONDS_BUCKETS, 1e-9);
	prom_family(b, "suotdoi_writer_fsync_duration_seconds", "histogram",
	            "Time of one sync (fdatasync on SQLite, a synchronous commit on PostgreSQL) "
	            "making the groups committed since the last durable.");
	prom_hist_write(b, "suotdoi_writer_fsync_duration_seconds", NULL, &ws.sync_time,
	                prom_seconds_bounds, PROM_SECONDS_BUCKETS, 1e-9);
}

static void
write_caches(buf_t *b, app_t *app)
{
	size_t entries = 0, bytes = 0;
	uint64_t builds = 0;
	if (app->live)
		rep_live_stats(app->live, &entries, &bytes, &builds);
	gauge(b, "suotdoi_live_campaigns",
	      "Campaigns loaded with their live roll-ups (building ones included).",
	      (double)entries);
	gauge(b, "suotdoi_live_rollup_bytes", "Memory of the loaded campaigns' roll-ups.",
	      (double)bytes);
	counter(b, "suotdoi_live_rollup_builds_total",
	        "Roll-ups built from the store (a load, or a rebuild after another process "
	        "wrote).",
	        (double)builds);
	uint64_t pe, pb, hits, misses;
	pagecache_totals(&pe, &pb, &hits, &misses);
	gauge(b, "suotdoi_pagecache_entries", "Rendered fragments held by the page caches.",
	      (double)pe);
	gauge(b, "suotdoi_pagecache_bytes", "Bytes held by the page caches (keys and fragments).",
	      (double)pb);
	counter(b, "suotdoi_pagecache_hits_total", "Page cache lookups that found the fragment.",
	        (double)hits);
	counter(b, "suotdoi_pagecache_misses_total",
	        "Page cache lookups that did not (absent, or built from older state).",
	        (double)misses);
}

static void
write_outbox(buf_t *b, app_t *app)
{
	int64_t pending, failed;
	if (store_mail_backlog(app->store, &pending, &failed) < 0) {
		/* the families go missing rather than lie; the store logged why */
		log_warn("metrics: the outbox could not be counted");
		return;
	}
	gauge(b, "suotdoi_outbox_pending", "E-mails waiting in the outbox to be delivered.",
	      (double)pending);
	gauge(b, "suotdoi_outbox_failed",
	      "E-mails given up after every retry (Thư đi page: fix the cause, then retry).",
	      (double)failed);
}

int
page_metrics(http_req_t *req)
{
	app_t *app = http_req_app(req);
	buf_t b = BUF_INIT;
	write_process(&b, app);
	if (app->http_stats)
		http_stats_write(app->http_stats, &b);
	write_writer(&b, app);
	write_caches(&b, app);
	write_outbox(&b, app);
	http_resp_header(req, "Cache-Control", "no-store");
	return http_reply_buf(req, 200, PROM_CONTENT_TYPE, &b);
}

int
page_readyz(http_req_t *req)
{
	app_t *app = http_req_app(req);
	int applied = 0, known = 0;
	const char *why = NULL;
	if (app->stopping)
		why = "chưa sẵn sàng: máy chủ đang dừng\n";
	else if (store_ready(app->store, &applied, &known) < 0)
		why = "chưa sẵn sàng: cơ sở dữ liệu không trả lời\n";
	else if (applied != known)
		why = "chưa sẵn sàng: lược đồ cơ sở dữ liệu khác phiên bản của chương trình\n";
	http_resp_header(req, "Cache-Control", "no-store");
	if (why)
		return http_reply(req, 503, "text/plain; charset=utf-8", why, strlen(why));
	return http_reply(req, 200, "text/plain; charset=utf-8", "ready\n", 6);
}
