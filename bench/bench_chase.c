/* Chasing at national scale (issue 14), on a copy of the national dataset (`suotdoi gen`:
 * ~71,000 units, ~46,000 reports, 85 % submitted, schools due 10/10/2022), through the
 * app and its writer as the server runs them, every unit with an e-mail address (so each
 * reminder also queues a mail):
 *   1. "nhắc tất cả" from the nation: the states, the missing, a reminder, a notice and an
 *      e-mail per missing unit, in slices of 200 per transaction;
 *   2. the schedule's first run on 07/10 (every missing school's "3 days before") and a
 *      second run the same day (nothing to write: what a run costs every 5 minutes);
 *   3. the bell on every page: a school user's unread count once the unit has notices.
 * Usage: bench_chase --db NATIONAL.db [--out perf.md] */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "domain/campaign.h"
#include "service/chase.h"
#include "text/text.h"
#include "util.h"

static int64_t
vn_ten(const char *date)
{
	int32_t d;
	text_parse_date(date, strlen(date), &d);
	return (int64_t)d * 86400 + 3 * 3600;
}

static int
first_open(const store_campaign_t *c, void *p)
{
	if (!strcmp(c->status, "open")) {
		*(int64_t *)p = c->id;
		return 1;
	}
	return 0;
}

static int
count_mail(void *p, int argc, char **argv, char **cols)
{
	(void)argc;
	(void)cols;
	*(long *)p = atol(argv[0]);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *src = NULL, *outpath = NULL;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--db"))
			src = argv[i + 1];
		else if (!strcmp(argv[i], "--out"))
			outpath = argv[i + 1];
	}
	if (!src) {
		fprintf(stderr, "usage: bench_chase --db NATIONAL.db [--out perf.md]\n");
		return 2;
	}
	log_set_level(2);
	char dir[] = "/tmp/suotdoi-bench-chase-XXXXXX", db[300], err[512];
	if (!mkdtemp(dir))
		return 1;
	snprintf(db, sizeof db, "%s/c.db", dir);
	if (bench_copy_db(src, db) < 0)
		return 1;
	sqlite3 *h;
	if (sqlite3_open(db, &h) != SQLITE_OK ||
	    sqlite3_exec(h, "UPDATE units SET email='u'||id||'@donvi.example.vn'", NULL, NULL,
	                 NULL) != SQLITE_OK)
		return 1;
	sqlite3_close(h);
	app_t app;
	if (app_open(&app, db, NULL, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	app.notify.mail_on = 1; /* queued, not sent: no mail worker here */
	app.notify.base_url = "https://tuanle.example.vn";
	int64_t cid = 0;
	store_campaigns_each(app.store, first_open, &cid);
	campaign_t *c;
	if (!cid || campaign_load(app.store, cid, &c, err, sizeof err) != 1) {
		fprintf(stderr, "no open campaign in %s\n", src);
		return 1;
	}
	unit_tree_t *t = app_campaign_tree(&app, cid);

	/* 1. remind all from the nation */
	arena_t a = ARENA_INIT;
	chase_ctx_t cx = {.store = app.store,
	                  .writer = app.writer,
	                  .notify = &app.notify,
	                  .now = vn_ten("05/10/2022"),
	                  .actor = 0};
	double t0 = bench_now_ms();
	chase_state_t *states = chase_states(app.store, t, c, &a);
	size_t nmiss = 0;
	int32_t *miss = states ? chase_missing(app.store, t, c, states, 0, &a, &nmiss) : NULL;
	double t1 = bench_now_ms();
	size_t done = 0;
	if (!miss || chase_remind(&cx, t, c, miss, nmiss, CHASE_ALL, "Nộp trước 10/10", &done) < 0)
		return 1;
	double t2 = bench_now_ms();
	long mails = 0;
	sqlite3_open(db, &h);
	sqlite3_exec(h, "SELECT count(*) FROM outbox", count_mail, &mails, NULL);

	/* 2. the schedule: the first run of the "3 days before" day, then a run with nothing
	 * to write */
	size_t rem = 0, esc = 0, rem2 = 0, esc2 = 0;
	double t3 = bench_now_ms();
	app_chase_tick(&app, vn_ten("07/10/2022"), &rem, &esc);
	double t4 = bench_now_ms();
	app_chase_tick(&app, vn_ten("07/10/2022") + 300, &rem2, &esc2);
	double t5 = bench_now_ms();

	/* 3. the bell: a school's unread count (two notices by now) */
	int32_t school = miss[nmiss / 2];
	int64_t unit_id = t->units[school].id, count = 0;
	enum { N = 2000 };
	double *lat = malloc(N * sizeof *lat);
	for (int k = 0; k < N; k++) {
		double s = bench_now_ms();
		store_notices_unread(app.store, 1, &unit_id, 1, &count);
		lat[k] = bench_now_ms() - s;
	}
	double p50 = bench_pct(lat, N, 0.5), p99 = bench_pct(lat, N, 0.99);

	char text[2400];
	snprintf(text, sizeof text,
	         "### Chasing at national scale (bench_chase)\n\n"
	         "On a copy of the national dataset, every unit with an address (each reminder "
	         "also queues an e-mail), through the app's writer:\n\n"
	         "| what | units | time | per unit |\n| --- | ---: | ---: | ---: |\n"
	         "| \"nhắc tất cả\" from the nation: states and the missing | %zu | %.0f ms | |\n"
	         "| … their reminders, notices and e-mails (%ld queued) | %zu | %.0f ms | %.2f ms "
	         "|\n"
	         "| the schedule's first run on 07/10 (\"3 days before\") | %zu | %.0f ms | %.2f "
	         "ms |\n"
	         "| a run with nothing new (every 5 minutes) | %zu | %.0f ms | |\n"
	         "| the bell's unread count of a school (per page) | %lld unread | p50 %.3f ms, "
	         "p99 %.3f ms | |\n",
	         nmiss, t1 - t0, mails, done, t2 - t1, done ? (t2 - t1) / (double)done : 0.0, rem,
	         t4 - t3, rem ? (t4 - t3) / (double)rem : 0.0, rem2 + esc2, t5 - t4,
	         (long long)count, p50, p99);
	bench_report(outpath, text);
	free(lat);
	sqlite3_close(h);
	arena_free(&a);
	unit_tree_unref(t);
	campaign_free(c);
	app_close(&app);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 && done == nmiss && rem2 + esc2 == 0 ? 0 : 1;
}
