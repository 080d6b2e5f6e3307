/* Bulk value import and export (see values_import.h): rows grouped by unit, each unit's
 * new values merged over its report and saved through rep_apply. */
#include "service/values_import.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/mem.h"
#include "text/text.h"

#define MAX_TEXT 20000

static void
conflict(vi_summary_t *s, arena_t *a, const vf_row_t *r, const char *item, const char *reason)
{
	s->conflicts_total++;
	if (s->nconflicts >= VI_MAX_CONFLICTS)
		return;
	if (s->conflicts == NULL)
		s->conflicts = arena_alloc(a, VI_MAX_CONFLICTS * sizeof *s->conflicts);
	s->conflicts[s->nconflicts++] = (vi_conflict_t){r->line, r->unit, item, reason};
}

/* Rows by unit code, then file order (glibc's qsort_r: imports run on several threads). */
static int
cmp_row(const void *x, const void *y, void *ctx)
{
	const vf_row_t *rows = ctx;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	int c = strcmp(rows[a].unit, rows[b].unit);
	if (c)
		return c;
	return a < b ? -1 : a > b;
}

/* The value of row r for item it, by the item's type and the JSON type it came as.
 * 0 with *has (0: clear) and *num or *text; -1 with *why. */
static int
row_value(const tpl_item_t *it, const vf_row_t *r, arena_t *a, int64_t *num, int *has,
          const char **text, const char **why)
{
	*has = 0;
	*text = NULL;
	if (r->type == VF_NULL || (r->type == VF_STRING && r->value_len == 0))
		return 0;
	char err[300];
	if (it->tcol >= 0) {
		if (r->type != VF_STRING) {
			*why = "Giá trị của mục văn bản phải là một chuỗi.";
			return -1;
		}
		if (r->value_len > MAX_TEXT) {
			*why = "Nội dung dài quá 20.000 byte; hãy viết ngắn lại.";
			return -1;
		}
		*text = r->value;
		*has = 1;
		return 0;
	}
	if (it->type == TPL_BOOL) {
		if (r->type == VF_INT) {
			*why = "Mục có/không nhận true hoặc false (hay \"có\"/\"không\"), không "
			       "nhận số.";
			return -1;
		}
		if (!strcasecmp(r->value, "true") || !strcasecmp(r->value, "false")) {
			*num = !strcasecmp(r->value, "true");
			*has = 1;
			return 0;
		}
	} else if (r->type == VF_BOOL) {
		*why = "Mục này nhận một số nguyên, không nhận true/false.";
		return -1;
	}
	if (template_parse_value(it, r->value, num, has, err, sizeof err) < 0) {
		*why = arena_strdup(a, err);
		return -1;
	}
	return 0;
}

typedef struct unit_counts {
	size_t imported, updated, deleted, ignored;
} unit_counts_t;

/* Tells the importer when a unit's save is answered. */
typedef struct latch {
	pthread_mutex_t mu;
	pthread_cond_t cv;
} latch_t;

/* Units handed to the writer and not yet answered, at most: enough for a few full groups,
 * few enough that their memory (an arena each, ~16 KB) stays small. */
#define IMPORT_WINDOW 256

/* One unit's save on its way: every unit of a file is handed to the writer before any is
 * waited for, so a file of thousands of units is committed in a few groups. */
typedef struct pending_unit {
	int32_t u;
	const size_t *idx;
	size_t n;
	unit_counts_t c;
	rep_values_t v;
	rep_input_t in;
	rep_outcome_t out;
	rep_rc_t rc;
	int submitted, answered;
	latch_t *latch;
	/* the service works in its own arena on the writer thread while the importer goes on
	 * with the next units in cx->arena */
	rep_ctx_t cx;
	arena_t arena;
} pending_unit_t;

static void
unit_saved(void *arg, rep_rc_t rc)
{
	pending_unit_t *p = arg;
	latch_t *l = p->latch;
	pthread_mutex_lock(&l->mu);
	p->rc = rc;
	p->answered = 1;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
}

/* One unit's rows idx[0..n): merged over its report and checked; when something changes,
 * handed to the service to save (p->submitted). */
static rep_rc_t
import_unit(const rep_ctx_t *cx, live_campaign_t *lc, const vf_rows_t *rows, const size_t *idx,
            size_t n, int dry_run, vi_summary_t *s, pending_unit_t *p)
{
	const unit_tree_t *t = cx->tree;
	const template_t *tpl = lc->c->tpl;
	arena_t *a = cx->arena;
	const vf_row_t *first = &rows->v[idx[0]];
	size_t before = s->conflicts_total;
	int32_t u = unit_tree_find_code(t, first->unit);
	if (u < 0) {
		conflict(s, a, first, "",
		         arena_printf(a,
		                      "Không có đơn vị mã \"%.40s\"; hãy dùng mã đơn vị trong danh "
		                      "mục (cột unit_code / orgUnit).",
		                      first->unit));
		s->units_refused++;
		s->ignored += n;
		return REP_OK;
	}
	rep_report_t old;
	if (rep_read(cx, lc, u, &old) != REP_OK)
		return REP_ERR_STORE;
	rep_values_t v;
	rep_values_init(a, tpl, &v);
	memcpy(v.num, old.v.num, (tpl->ncols + 1) * sizeof *v.num);
	memcpy(v.has, old.v.has, tpl->ncols + 1);
	memcpy(v.text, old.v.text, (tpl->ntexts + 1) * sizeof *v.text);
	size_t nitems = rep_item_count(tpl);
	memcpy(v.note, old.v.note, (nitems + 1) * sizeof *v.note);
	const vf_row_t **seen = arena_alloc(a, (nitems + 1) * sizeof *seen); /* per item */
	memset(seen, 0, (nitems + 1) * sizeof *seen);
	unit_counts_t c = {0};
	int level = t->units[u].is_locality;
	for (size_t k = 0; k < n; k++) {
		const vf_row_t *r = &rows->v[idx[k]];
		const tpl_item_t *it = template_item(tpl, r->item);
		if (it == NULL) {
			conflict(s, a, r, r->item,
			         arena_printf(
			                 a, "Mục \"%.60s\" không có trong mẫu báo cáo của đợt này.",
			                 r->item));
			continue;
		}
		if (it->col < 0 && it->tcol < 0) {
			conflict(s, a, r, r->item,
			         "Mục này không nhận giá trị (dòng tiêu đề nhóm hoặc ảnh).");
			continue;
		}
		/* a level's own note on a figure is taken (with the value left empty) */
		int value_empty = r->type == VF_NULL || (r->type == VF_STRING && r->value_len == 0);
		if (level && it->col >= 0 && !(value_empty && r->has_comment)) {
			conflict(s, a, r, r->item,
			         "Số liệu của một cấp là tổng của các đơn vị bên dưới, không nhập "
			         "trực tiếp; chỉ nhập được phần văn bản và ghi chú.");
			continue;
		}
		size_t ix = rep_item_index(tpl, it);
		int64_t num = 0;
		int has;
		const char *text, *why = NULL;
		if (row_value(it, r, a, &num, &has, &text, &why) < 0) {
			conflict(s, a, r, r->item, why);
			continue;
		}
		if (seen[ix]) {
			conflict(s, a, r, r->item,
			         arena_printf(
			                 a,
			                 "Mục này của đơn vị đã có ở %s %zu; mỗi mục chỉ ghi một "
			                 "lần.",
			                 rows->json ? "phần tử" : "dòng", seen[ix]->line));
			continue;
		}
		seen[ix] = r;
		int had, same;
		/* the note: replaced by the row's comment when it has one ("" clears it) */
		const char *on = old.v.note[ix] ? old.v.note[ix] : "";
		const char *nn = r->has_comment ? r->comment : on;
		v.note[ix] = *nn ? nn : NULL;
		int note_same = !strcmp(on, nn);
		if (level && it->col >= 0) { /* only its note (checked above) */
			had = *on != 0;
			has = *nn != 0;
			same = note_same;
		} else if (it->col >= 0) {
			had = old.v.has[it->col];
			same = had == has && (!has || old.v.num[it->col] == num);
			v.num[it->col] = has ? num : 0;
			v.has[it->col] = (unsigned char)has;
		} else {
			const char *o = old.v.text[it->tcol];
			had = o != NULL;
			same = (!had && !has) || (had && has && !strcmp(o, text));
			v.text[it->tcol] = has ? text : NULL;
		}
		if (!note_same) { /* a note alone counts as a value: added, changed, removed */
			same = 0;
			had = had || *on;
			has = has || *nn;
		}
		if (same)
			c.ignored++;
		else if (!has)
			c.deleted++;
		else if (had)
			c.updated++;
		else
			c.imported++;
	}
	if (s->conflicts_total > before) {
		s->units_refused++;
		s->ignored += n;
		return REP_OK;
	}
	if (c.imported + c.updated + c.deleted == 0) {
		s->units_unchanged++;
		s->ignored += n;
		return REP_OK;
	}
	p->u = u;
	p->idx = idx;
	p->n = n;
	p->c = c;
	p->v = v;
	p->in = (rep_input_t){
	        .op = REP_SAVE,
	        .values = &p->v,
	        .expected_version = old.version,
	        .dry_run = dry_run,
	};
	p->submitted = 1;
	p->cx = *cx;
	p->cx.arena = &p->arena;
	rep_apply_async(&p->cx, lc, u, &p->in, &p->out, unit_saved, p);
	return REP_OK;
}

/* What the service answered for a unit handed to it, into the summary. */
static rep_rc_t
unit_answered(const rep_ctx_t *cx, live_campaign_t *lc, const vf_rows_t *rows, pending_unit_t *p,
              vi_summary_t *s)
{
	const template_t *tpl = lc->c->tpl;
	arena_t *a = cx->arena;
	size_t nitems = rep_item_count(tpl), n = p->n;
	const size_t *idx = p->idx;
	const vf_row_t *first = &rows->v[idx[0]];
	rep_outcome_t out = p->out; /* its strings live in p->arena: copied below */
	unit_counts_t c = p->c;
	rep_rc_t rc = p->rc;
	if (rc == REP_ERR_STORE)
		return rc;
	if (rc != REP_OK) {
		/* each item's error on its row; the rest on the unit's first row */
		int any = 0;
		for (size_t k = 0; k < n && rc == REP_ERR_INVALID; k++) {
			const vf_row_t *r = &rows->v[idx[k]];
			const tpl_item_t *it = template_item(tpl, r->item);
			size_t ix = it ? rep_item_index(tpl, it) : nitems;
			if (it && out.errors[ix]) {
				conflict(s, a, r, r->item, arena_strdup(a, out.errors[ix]));
				out.errors[ix] = NULL;
				any = 1;
			}
		}
		for (size_t ix = 0; ix < nitems && rc == REP_ERR_INVALID; ix++)
			if (out.errors[ix]) { /* a relation's other side, not in the file */
				conflict(s, a, first, "", arena_strdup(a, out.errors[ix]));
				any = 1;
			}
		if (!any || rc != REP_ERR_INVALID)
			conflict(s, a, first, "", arena_strdup(a, out.message));
		s->units_refused++;
		s->ignored += n;
		return REP_OK;
	}
	s->units_written++;
	s->imported += c.imported;
	s->updated += c.updated;
	s->deleted += c.deleted;
	s->ignored += c.ignored;
	return REP_OK;
}

/* Waits for a unit handed over (if it was), takes its answer into the summary and frees
 * its memory. The import's result so far, or a store error. */
static rep_rc_t
settle(const rep_ctx_t *cx, live_campaign_t *lc, const vf_rows_t *rows, pending_unit_t *p,
       latch_t *l, vi_summary_t *s, rep_rc_t rc)
{
	if (!p->submitted)
		return rc;
	pthread_mutex_lock(&l->mu);
	while (!p->answered)
		pthread_cond_wait(&l->cv, &l->mu);
	pthread_mutex_unlock(&l->mu);
	if (unit_answered(cx, lc, rows, p, s) != REP_OK)
		rc = REP_ERR_STORE;
	arena_free(&p->arena);
	return rc;
}

static int
cmp_conflict(const void *x, const void *y)
{
	const vi_conflict_t *a = x, *b = y;
	return a->line < b->line ? -1 : a->line > b->line;
}

rep_rc_t
values_import(const rep_ctx_t *cx, live_campaign_t *lc, const vf_rows_t *rows, int dry_run,
              vi_summary_t *out)
{
	memset(out, 0, sizeof *out);
	out->dry_run = dry_run;
	out->json = rows->json;
	out->rows = rows->n;
	rep_rc_t rc = REP_OK;
	if (rows->n) {
		size_t *idx = xmalloc(size_mul(rows->n, sizeof *idx));
		for (size_t k = 0; k < rows->n; k++)
			idx[k] = k;
		qsort_r(idx, rows->n, sizeof *idx, cmp_row, rows->v);
		latch_t l;
		pthread_mutex_init(&l.mu, NULL);
		pthread_cond_init(&l.cv, NULL);
		/* a ring of the units in flight, answered in the order they were handed over */
		pending_unit_t *ring = xcalloc(IMPORT_WINDOW, sizeof *ring);
		size_t handed = 0, settled = 0;
		for (size_t k = 0; k < rows->n;) {
			if (handed - settled == IMPORT_WINDOW)
				rc = settle(cx, lc, rows, &ring[settled++ % IMPORT_WINDOW], &l, out,
				            rc);
			if (rc != REP_OK)
				break;
			size_t e = k + 1;
			while (e < rows->n && !strcmp(rows->v[idx[e]].unit, rows->v[idx[k]].unit))
				e++;
			pending_unit_t *p = &ring[handed++ % IMPORT_WINDOW];
			memset(p, 0, sizeof *p);
			p->latch = &l;
			rc = import_unit(cx, lc, rows, idx + k, e - k, dry_run, out, p);
			k = e;
		}
		while (settled < handed)
			rc = settle(cx, lc, rows, &ring[settled++ % IMPORT_WINDOW], &l, out, rc);
		free(ring);
		pthread_cond_destroy(&l.cv);
		pthread_mutex_destroy(&l.mu);
		free(idx);
	}
	if (out->nconflicts > 1) /* the file's order, to fix it top to bottom */
		qsort(out->conflicts, out->nconflicts, sizeof *out->conflicts, cmp_conflict);
	out->message = arena_printf(
	        cx->arena,
	        "%s%zu giá trị mới, %zu cập nhật, %zu xóa, %zu bỏ qua; %zu đơn vị %s, %zu không "
	        "đổi, %zu bị từ chối%s.",
	        dry_run ? "Chạy thử (chưa ghi gì): " : "Đã nhập: ", out->imported, out->updated,
	        out->deleted, out->ignored, out->units_written, dry_run ? "sẽ được ghi" : "đã ghi",
	        out->units_unchanged, out->units_refused,
	        out->conflicts_total ? " (xem danh sách xung đột)" : "");
	if (rc == REP_ERR_STORE)
		out->message = "Lỗi khi ghi vào cơ sở dữ liệu; các đơn vị đã ghi trước đó vẫn giữ "
		               "nguyên. Hãy thử lại: nhập lại cùng tệp không ghi trùng.";
	return rc;
}

/* ---------- export ---------- */

/* One RFC 4180 cell: quoted when it holds a comma, a quote or a line break. */
static void
csv_cell(buf_t *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_puts(out, s);
		return;
	}
	buf_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(out, '"');
		buf_putc(out, *s);
	}
	buf_putc(out, '"');
}

typedef struct export_ctx {
	const unit_tree_t *t;
	const template_t *tpl;
	int32_t root;
	int csv;
	buf_t *out;
	int first;
	int64_t cur_unit;
	int32_t cur_index;
} export_ctx_t;

static int
export_value(int64_t unit_id, const char *status, const store_value_t *v, void *p)
{
	(void)status;
	export_ctx_t *e = p;
	if (unit_id != e->cur_unit) {
		e->cur_unit = unit_id;
		e->cur_index = unit_tree_find_id(e->t, unit_id);
	}
	int32_t i = e->cur_index;
	if (i < 0 || !unit_tree_contains(e->t, e->root, i))
		return 0;
	const tpl_item_t *it = template_item(e->tpl, v->item);
	if (it == NULL || (it->col < 0 && it->tcol < 0))
		return 0;
	char num[32];
	const char *value, *note = v->note ? v->note : "";
	if (it->col >= 0 && !v->has_num) {
		if (!*note)
			return 0;
		value = ""; /* a note alone */
	} else if (it->col >= 0) {
		if (it->type == TPL_BOOL)
			value = v->num ? "true" : "false";
		else {
			snprintf(num, sizeof num, "%lld", (long long)v->num);
			value = num;
		}
	} else {
		if (!*v->text && !*note)
			return 0;
		value = v->text;
	}
	if (e->csv) {
		csv_cell(e->out, e->t->units[i].code);
		buf_putc(e->out, ',');
		csv_cell(e->out, it->code);
		buf_putc(e->out, ',');
		csv_cell(e->out, value);
		buf_putc(e->out, ',');
		csv_cell(e->out, note);
		buf_puts(e->out, "\r\n");
		return 0;
	}
	buf_puts(e->out, e->first ? "\n{\"orgUnit\":" : ",\n{\"orgUnit\":");
	e->first = 0;
	buf_put_json_str(e->out, e->t->units[i].code);
	buf_puts(e->out, ",\"dataElement\":");
	buf_put_json_str(e->out, it->code);
	buf_puts(e->out, ",\"value\":");
	buf_put_json_str(e->out, value);
	if (*note) { /* the unit's note (DHIS2's comment) */
		buf_puts(e->out, ",\"comment\":");
		buf_put_json_str(e->out, note);
	}
	buf_putc(e->out, '}');
	return 0;
}

rep_rc_t
values_export_json(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t unit, buf_t *out)
{
	const template_t *tpl = lc->c->tpl;
	buf_puts(out, "{\"dataSet\":");
	buf_put_json_str(out, tpl->code);
	buf_printf(out, ",\"period\":\"%d\",\"campaign\":%lld,\"orgUnit\":", lc->c->year,
	           (long long)lc->c->id);
	buf_put_json_str(out, cx->tree->units[unit].code);
	buf_puts(out, ",\"dataValues\":[");
	export_ctx_t e = {cx->tree, tpl, unit, 0, out, 1, 0, -1};
	if (store_all_values_of_campaign(cx->store, lc->c->id, export_value, &e) < 0)
		return REP_ERR_STORE;
	buf_puts(out, "\n]}\n");
	return REP_OK;
}

rep_rc_t
values_export_csv(const rep_ctx_t *cx, const live_campaign_t *lc, int32_t unit, buf_t *out)
{
	buf_puts(out, "\xEF\xBB\xBFunit_code,item_code,value,comment\r\n");
	export_ctx_t e = {cx->tree, lc->c->tpl, unit, 1, out, 1, 0, -1};
	return store_all_values_of_campaign(cx->store, lc->c->id, export_value, &e) < 0
	               ? REP_ERR_STORE
	               : REP_OK;
}

void
values_summary_json(const vi_summary_t *s, buf_t *out)
{
	buf_puts(out, "{\"status\":");
	buf_puts(out, s->conflicts_total ? (s->units_written || s->units_unchanged ? "\"WARNING\""
	                                                                           : "\"ERROR\"")
	                                 : "\"SUCCESS\"");
	buf_printf(out, ",\"dryRun\":%s,\"rows\":%zu", s->dry_run ? "true" : "false", s->rows);
	buf_printf(out,
	           ",\"importCount\":{\"imported\":%zu,\"updated\":%zu,\"deleted\":%zu,"
	           "\"ignored\":%zu}",
	           s->imported, s->updated, s->deleted, s->ignored);
	buf_printf(out, ",\"units\":{\"written\":%zu,\"unchanged\":%zu,\"refused\":%zu}",
	           s->units_written, s->units_unchanged, s->units_refused);
	buf_puts(out, ",\"message\":");
	buf_put_json_str(out, s->message ? s->message : "");
	buf_printf(out, ",\"conflictsTotal\":%zu,\"conflicts\":[", s->conflicts_total);
	for (size_t k = 0; k < s->nconflicts; k++) {
		const vi_conflict_t *c = &s->conflicts[k];
		buf_printf(out, "%s{\"%s\":%zu,\"unit\":", k ? "," : "", s->json ? "index" : "line",
		           c->line);
		buf_put_json_str(out, c->unit);
		buf_puts(out, ",\"item\":");
		buf_put_json_str(out, c->item);
		buf_puts(out, ",\"value\":");
		buf_put_json_str(out, c->reason);
		buf_putc(out, '}');
	}
	buf_puts(out, "]}\n");
}
