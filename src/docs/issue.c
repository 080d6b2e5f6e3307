/* Issuing a document: addressees and duties resolved against the unit tree, then one store
 * transaction that numbers it and writes receipts and tasks. */
#include "docs/issue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/mem.h"
#include "text/text.h"

int32_t
docs_today(int64_t now)
{
	/* Vietnam has kept UTC+7 without daylight saving since 1975. */
	int64_t local = now + 7 * 3600;
	return (int32_t)(local >= 0 ? local / 86400 : (local - 86399) / 86400);
}

int32_t
docs_area(const unit_tree_t *t, int32_t issuer)
{
	int32_t i = issuer;
	while (i > 0 && !t->units[i].is_locality)
		i = t->units[i].parent;
	return i < 0 ? 0 : i;
}

size_t
docs_target_units(const unit_tree_t *t, int32_t issuer, const doc_target_t *who, int32_t *out,
                  size_t cap)
{
	unsigned char *mark = xcalloc((size_t)t->n, 1);
	for (size_t k = 0; k < who->nunits; k++) {
		int32_t i = unit_tree_find_code(t, who->units[k]);
		if (i >= 0)
			mark[i] = 1;
	}
	if (who->nkinds) {
		int32_t area = docs_area(t, issuer);
		for (int32_t i = area; i < t->units[area].end; i++)
			for (size_t k = 0; k < who->nkinds; k++)
				if (!strcmp(t->units[i].kind, who->kinds[k]) && i != issuer) {
					mark[i] = 1;
					break;
				}
	}
	size_t n = 0;
	for (int32_t i = 0; i < t->n; i++)
		if (mark[i]) {
			if (n < cap)
				out[n] = i;
			n++;
		}
	free(mark);
	return n;
}

typedef struct row {
	arena_t *a;
	store_doc_t d;
	int found;
} row_t;

static int
copy_row(const store_doc_t *d, void *ctx)
{
	row_t *r = ctx;
	r->d = *d;
	r->d.kind = arena_strdup(r->a, d->kind);
	r->d.status = arena_strdup(r->a, d->status);
	r->d.subject = arena_strdup(r->a, d->subject);
	r->d.json = arena_strdup(r->a, d->json);
	r->found = 1;
	return 0;
}

/* Every unit a list of targets reaches, as ids (appended to ids; n updated). */
static int32_t *
expand(const unit_tree_t *t, int32_t issuer, const doc_target_t *who, size_t *n)
{
	size_t want = docs_target_units(t, issuer, who, NULL, 0);
	int32_t *idx = xmalloc((want ? want : 1) * sizeof *idx);
	*n = docs_target_units(t, issuer, who, idx, want);
	return idx;
}

/* One notice per unit reached, in the publication's transaction: "task" to a unit with a
 * duty (its first task named), "doc" to one only addressed. */
static int
notify_units(store_t *st, const unit_tree_t *t, const notify_cfg_t *cfg, const doc_t *d,
             const char *issuer, int64_t doc_id, int number, int year, const int64_t *units,
             size_t nunits, const store_task_t *tasks, size_t ntasks, int64_t now, int64_t by,
             int *mails)
{
	*mails = 0;
	for (size_t k = 0; k < nunits; k++) {
		int dup = 0;
		for (size_t j = 0; j < k && !dup; j++)
			dup = units[j] == units[k];
		int32_t i = unit_tree_find_id(t, units[k]);
		if (dup || i < 0)
			continue;
		const store_task_t *task = NULL;
		for (size_t j = 0; j < ntasks && !task; j++)
			if (tasks[j].unit_id == units[k])
				task = &tasks[j];
		char title[800], body[1400], link[160];
		/* "Kế hoạch số 05/KH-UBND ngày 28/9/2022": the one citation formatter */
		char ref[300];
		{
			doc_t c = *d;
			c.number = number;
			buf_t rb = BUF_INIT;
			doc_cite(&c, NULL, &rb);
			const char *cs = buf_cstr(&rb);
			snprintf(ref, sizeof ref, "%.*s", text_utf8_prefix(cs, (int)sizeof ref - 1), cs);
			buf_free(&rb);
		}
		(void)year;
		if (task) {
			char due[24] = "";
			if (task->due_date > 0) {
				int y, m, dd;
				text_civil_from_days(task->due_date, &y, &m, &dd);
				snprintf(due, sizeof due, " (hạn %02d/%02d/%04d)", dd, m, y);
			}
			snprintf(title, sizeof title, "Nhiệm vụ được giao: %.*s%s",
			         text_utf8_prefix(task->task, 400), task->task, due);
			snprintf(body, sizeof body, "Theo %s của %s: %.*s.", ref, issuer,
			         text_utf8_prefix(d->subject, 500), d->subject);
			snprintf(link, sizeof link, "/units/%s/tasks", t->units[i].code);
		} else {
			snprintf(title, sizeof title, "Văn bản mới: %s – %.*s", ref,
			         text_utf8_prefix(d->subject, 280), d->subject);
			snprintf(body, sizeof body, "%s gửi %s tới đơn vị.", issuer, ref);
			snprintf(link, sizeof link, "/units/%s/docs/%lld", t->units[i].code,
			         (long long)doc_id);
		}
		notify_msg_t m = {.kind = task ? "task" : "doc",
		                  .unit = i,
		                  .to = NOTIFY_TO_UNIT,
		                  .about = -1,
		                  .by = by,
		                  .title = title,
		                  .body = body,
		                  .link = link};
		int n = 0;
		if (notify_write(st, t, cfg, &m, now, NULL, &n) < 0)
			return -1;
		*mails += n;
	}
	return 0;
}

int
docs_publish(store_t *st, const unit_tree_t *t, int64_t id, int64_t expected_version, int32_t today,
             int64_t now, const audit_actor_t *actor, int number, int *number_out,
             const notify_cfg_t *notify, char *err, size_t errlen)
{
	int64_t by = actor ? actor->user_id : 0;
	arena_t a = ARENA_INIT;
	row_t r = {&a, {0}, 0};
	int rc = -1;
	int64_t *units = NULL;
	store_task_t *tasks = NULL;
	char *json = NULL;
	if (store_doc_get(st, id, copy_row, &r) < 0 || !r.found) {
		snprintf(err, errlen, "Không tìm thấy văn bản này.");
		goto out;
	}
	if (strcmp(r.d.status, "draft") != 0) {
		rc = -3;
		goto out;
	}
	if (r.d.version != expected_version) {
		rc = -2;
		goto out;
	}
	int32_t issuer = unit_tree_find_id(t, r.d.issuer_unit_id);
	if (issuer < 0) {
		snprintf(err, errlen, "Đơn vị ban hành không còn trong danh mục.");
		goto out;
	}
	doc_t *d;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr;
	if (doc_parse(r.d.json, strlen(r.d.json), &a, &d, errs, &nerr) < 0) {
		snprintf(err, errlen, "Văn bản chưa hợp lệ (%s: %s); hãy sửa rồi ban hành.",
		         nerr ? errs[0].field : "?", nerr ? errs[0].msg : "?");
		goto out;
	}
	if (d->signer.name[0] == '\0') {
		snprintf(err, errlen,
		         "Chưa có họ tên người ký; hãy ghi trong phần chữ ký rồi ban "
		         "hành.");
		goto out;
	}
	if (d->date == 0)
		d->date = today;
	d->number = 0; /* the row's number is authoritative */
	json_t *j = doc_json(d);
	json = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	/* the year of the date: numbering restarts every 1 January */
	int year, month, day;
	text_civil_from_days(d->date, &year, &month, &day);

	size_t nunits = 0, capu = 16;
	units = xmalloc(capu * sizeof *units);
	size_t ntasks = 0, capt = 16;
	tasks = xmalloc(capt * sizeof *tasks);
	for (size_t i = 0; i < d->nrecipients + d->nduties; i++) {
		const doc_target_t *who =
		        i < d->nrecipients ? &d->recipients[i] : &d->duties[i - d->nrecipients].who;
		size_t n;
		int32_t *idx = expand(t, issuer, who, &n);
		for (size_t k = 0; k < n; k++) {
			if (nunits == capu) {
				capu *= 2;
				units = xrealloc(units, capu * sizeof *units);
			}
			units[nunits++] = t->units[idx[k]].id;
			if (i < d->nrecipients)
				continue;
			const doc_duty_t *u = &d->duties[i - d->nrecipients];
			if (ntasks == capt) {
				capt *= 2;
				tasks = xrealloc(tasks, capt * sizeof *tasks);
			}
			tasks[ntasks++] = (store_task_t){
			        .unit_id = t->units[idx[k]].id,
			        .duty = (int)(i - d->nrecipients),
			        .role = u->lead ? "chu_tri" : "phoi_hop",
			        .task = u->task,
			        .due_date = u->due,
			        .note = "",
			};
		}
		free(idx);
	}
	int num = number > 0 ? number : 0;
	int64_t version;
	int mails = 0;
	if (store_tx_begin(st) < 0) {
		rc = -1;
	} else {
		rc = store_doc_publish(st, id, expected_version, d->date, year, json, now, by,
		                       units, nunits, tasks, ntasks, &num, &version);
		/* a commendation decision's document: the decision issued, its proposals
		 * decided, in this transaction (docs/awards.md) */
		int64_t award_campaign;
		if (rc == 0 &&
		    store_award_decision_issue(st, id, d->date, now, by, &award_campaign) < 0)
			rc = -1;
		if (rc == 0 &&
		    notify_units(st, t, notify, d,
		                 doc_running_name(&a, t->units[issuer].name,
		                                  t->units[issuer].is_locality),
		                 id, num, year, units, nunits, tasks, ntasks, now, by, &mails) < 0)
			rc = -1;
		/* its audit entry: "Kế hoạch 05/KH-UBND: subject" (the one citation formatter) */
		if (rc == 0) {
			buf_t cite = BUF_INIT;
			d->number = num;
			doc_cite_short(d, &cite);
			audit_entry_t e = {
			        issuer, "doc.publish", arena_printf(&a, "%lld", (long long)id),
			        NULL, arena_printf(&a, "%s: %s", buf_cstr(&cite), r.d.subject)};
			buf_free(&cite);
			if (audit_write(st, t, actor, now, &e) < 0)
				rc = -1;
		}
		if (rc != 0)
			store_tx_rollback(st);
		else if (store_tx_commit(st) < 0)
			rc = -1;
	}
	if (rc == 0) {
		*number_out = num;
		if (mails > 0)
			notify_wake(notify);
	} else if (rc == -1)
		snprintf(err, errlen,
		         "Không ban hành được văn bản (lỗi cơ sở dữ liệu); hãy thử lại.");
out:
	free(json);
	free(units);
	free(tasks);
	arena_free(&a);
	return rc;
}

int
docs_save_draft(store_t *st, int64_t id, int64_t issuer_unit_id, const doc_t *d,
                int64_t campaign_id, int64_t derived_from, int is_public, int64_t now, int64_t by,
                int64_t expected_version, int64_t *out_id, int64_t *version)
{
	int year = d->year, month, day;
	if (d->date)
		text_civil_from_days(d->date, &year, &month, &day);
	json_t *j = doc_json(d);
	char *json = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	store_doc_t s = {
	        .id = id,
	        .issuer_unit_id = issuer_unit_id,
	        .campaign_id = campaign_id,
	        .derived_from = derived_from,
	        .kind = doc_kind_code(d->kind),
	        .status = "draft",
	        .is_public = is_public,
	        .year = year,
	        .doc_date = d->date,
	        .subject = d->subject,
	        .json = json,
	        .created_at = now,
	        .created_by = by,
	        .updated_at = now,
	        .updated_by = by,
	};
	int rc = json ? store_doc_save(st, &s, expected_version, out_id, version) : -1;
	free(json);
	return rc;
}

void
docs_issuer_defaults(const unit_tree_t *t, int32_t i, arena_t *a, doc_t *d)
{
	const unit_t *u = &t->units[i];
	int32_t area = docs_area(t, i);
	doc_defaults_for_unit(d, a, u->name, u->kind, u->is_locality,
	                      u->is_locality ? NULL : t->units[area].name);
	if (u->is_locality)
		d->signer =
		        (doc_signer_t){"ỦY BAN NHÂN DÂN", "KT.", "CHỦ TỊCH", "PHÓ CHỦ TỊCH", ""};
	else
		d->signer = (doc_signer_t){"", "", "", "THỦ TRƯỞNG ĐƠN VỊ", ""};
	docs_fill_empty(d);
}

void
docs_fill_empty(doc_t *d)
{
	const char **s[] = {&d->body_abbr,   &d->drafter_abbr,    &d->parent_body,
	                    &d->body,        &d->place,           &d->subject,
	                    &d->text,        &d->signer.tm,       &d->signer.authority,
	                    &d->signer.head, &d->signer.position, &d->signer.name};
	for (size_t k = 0; k < sizeof s / sizeof s[0]; k++)
		if (*s[k] == NULL)
			*s[k] = "";
}
