/* Reading culture: the fixed lists, the checks, the ledger rule and the roll-up (see
 * reading.h and docs/reading.md). */
#include "service/reading.h"

#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "text/hygiene.h"
#include "text/text.h"

/* ---------- the fixed lists ---------- */

/* After the seeds (tủ sách lớp học, thư viện trường, tủ sách cộng đồng, thư viện số). */
static const rd_option_t kinds[] = {
        {"thu_vien_truong", "Thư viện trường học"},
        {"tu_sach_lop", "Tủ sách lớp học"},
        {"thu_vien_tthtcd", "Thư viện/tủ sách TTHTCĐ"},
        {"thu_vien_xa", "Thư viện xã/phường"},
        {"tu_sach_cong_dong", "Tủ sách cộng đồng, điểm đọc"},
        {"thu_vien_so", "Thư viện số, trực tuyến"},
};
static const rd_option_t channels[] = {
        {"tai_cho", "Đọc tại chỗ"},
        {"muon_ve", "Mượn về"},
        {"truc_tuyen", "Đọc trực tuyến"},
};
static const rd_option_t move_kinds[] = {
        {"add", "Bổ sung sách"},
        {"move", "Luân chuyển"},
        {"withdraw", "Thanh lý, mất"},
};

#define NELEM(v) (sizeof(v) / sizeof((v)[0]))
_Static_assert(NELEM(kinds) <= 8, "rd_sums_t.by_kind holds 8 kinds");

const rd_option_t *
rd_shelf_kinds(size_t *n)
{
	*n = NELEM(kinds);
	return kinds;
}

const rd_option_t *
rd_channels(size_t *n)
{
	*n = NELEM(channels);
	return channels;
}

const rd_option_t *
rd_move_kinds(size_t *n)
{
	*n = NELEM(move_kinds);
	return move_kinds;
}

static const rd_option_t *
find(const rd_option_t *(*list)(size_t *), const char *code)
{
	size_t n;
	const rd_option_t *v = list(&n);
	for (size_t k = 0; code && k < n; k++)
		if (strcmp(v[k].code, code) == 0)
			return &v[k];
	return NULL;
}

const char *
rd_option_name(const rd_option_t *(*list)(size_t *), const char *code)
{
	const rd_option_t *o = find(list, code);
	return o ? o->name : code ? code : "";
}

static const char *const fcodes[RDF_N] = {"name",    "kind",    "books_start", "opened", "status",
                                          "date",    "shelf",   "to_shelf",    "count",  "note",
                                          "channel", "readers", "loans"};

const char *
rd_field_code(int f)
{
	return f >= 0 && f < RDF_N ? fcodes[f] : "";
}

/* ---------- checks ---------- */

static void
err(rd_errors_t *e, int f, const char *msg)
{
	if (e->msg[f] == NULL)
		e->n++;
	e->msg[f] = msg;
}

/* What was typed, cut and made safe to quote in a message. */
static const char *
quote(arena_t *a, const char *s)
{
	char c[40];
	snprintf(c, sizeof c, "%.32s", s ? s : "");
	return arena_strdup(a, text_utf8_valid(c, strlen(c)) ? c : "?");
}

static const char *
list_names(arena_t *a, const rd_option_t *v, size_t n)
{
	buf_t b = BUF_INIT;
	for (size_t k = 0; k < n; k++)
		buf_printf(&b, "%s%s", k ? ", " : "", v[k].name);
	const char *s = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static const char *
pick(arena_t *a, rd_errors_t *e, int f, const char *label, const rd_option_t *(*list)(size_t *),
     const char *typed)
{
	size_t n;
	const rd_option_t *v = list(&n);
	const rd_option_t *o = find(list, typed);
	if (o)
		return o->code;
	if (text_blank(typed))
		err(e, f,
		    arena_printf(a, "%s: hãy chọn một mục (%s).", label, list_names(a, v, n)));
	else
		err(e, f,
		    arena_printf(a, "%s “%s” không có trong danh sách; hãy chọn một mục (%s).",
		                 label, quote(a, typed), list_names(a, v, n)));
	return NULL;
}

/* A whole number in [min, max] as people type it ("1.200"); the error names the field. */
static int64_t
number(arena_t *a, rd_errors_t *e, int f, const char *label, const char *typed, int64_t min,
       int64_t max, int64_t dflt)
{
	int64_t v;
	if (text_blank(typed)) {
		if (dflt >= 0)
			return dflt;
		err(e, f,
		    arena_printf(a, "%s: chưa nhập; hãy nhập một số nguyên từ %lld.", label,
		                 (long long)min));
		return -1;
	}
	if (text_parse_int(typed, strlen(typed), &v) < 0 || v < min || v > max) {
		buf_t b = BUF_INIT;
		text_format_int(max, &b);
		err(e, f,
		    arena_printf(a, "%s “%s” không hợp lệ; hãy nhập một số nguyên từ %lld đến %s.",
		                 label, quote(a, typed), (long long)min, buf_cstr(&b)));
		buf_free(&b);
		return -1;
	}
	return v;
}

static int32_t
vn_day(int64_t t)
{
	int64_t d = t + 7 * 3600;
	return (int32_t)(d >= 0 ? d / 86400 : (d - 86399) / 86400);
}

/* A day from 2000 to today; empty = today. */
static int32_t
day_of(const rd_ctx_t *cx, rd_errors_t *e, int f, const char *label, const char *typed)
{
	int32_t today = vn_day(cx->now), day = today;
	if (text_blank(typed))
		return today;
	if (text_parse_day(typed, &day) < 0 || day < text_days_from_civil(2000, 1, 1) ||
	    day > today) {
		err(e, f,
		    arena_printf(cx->arena,
		                 "%s “%s” không hợp lệ; hãy nhập ngày dạng dd/mm/yyyy (từ năm 2000 "
		                 "đến hôm nay), hoặc để trống là hôm nay.",
		                 label, quote(cx->arena, typed)));
		return -1;
	}
	return day;
}

/* A note through text hygiene (text/hygiene.h): one line, NFC, trimmed, no control
 * character or bidi override, at most RD_NOTE_MAX bytes. */
static const char *
note_of(const rd_ctx_t *cx, rd_errors_t *e, const char *typed)
{
	const char *s;
	const char *why = text_clean_field(cx->arena, "Ghi chú", typed, TEXT_TRIM, RD_NOTE_MAX, &s);
	if (why) {
		err(e, RDF_NOTE, why);
		return typed ? typed : "";
	}
	return s;
}

static void
path_of(const rd_ctx_t *cx, int32_t i, const char **out)
{
	buf_t b = BUF_INIT;
	unit_tree_path(cx->tree, i, &b);
	*out = arena_strdup(cx->arena, buf_cstr(&b));
	buf_free(&b);
}

rd_rc_t
rd_shelf_add(const rd_ctx_t *cx, int32_t i, const rd_input_t *in, int64_t *id, rd_errors_t *e)
{
	arena_t *a = cx->arena;
	memset(e, 0, sizeof *e);
	/* the name through text hygiene (text/hygiene.h): one line, NFC, trimmed, no control,
	 * bidi or invisible character, at most RD_NAME_MAX bytes */
	const char *name;
	const char *why =
	        text_clean_field(a, "Tên tủ sách", in->name, TEXT_NAME | TEXT_TRIM | TEXT_REQUIRED,
	                         RD_NAME_MAX, &name);
	if (why) {
		err(e, RDF_NAME,
		    text_blank(in->name) ? "Tên tủ sách: chưa nhập; hãy nhập tên (ví dụ “Tủ sách "
		                           "lớp 3A”, “Thư viện trường”)."
		                         : why);
		name = in->name ? in->name : "";
	}
	const char *kind = pick(a, e, RDF_KIND, "Loại tủ sách", rd_shelf_kinds, in->kind);
	int64_t start = number(a, e, RDF_BOOKS_START, "Số sách ban đầu", in->books_start, 0,
	                       RD_BOOKS_MAX, 0);
	int32_t opened = day_of(cx, e, RDF_OPENED, "Ngày mở", in->opened);
	int closed = 0;
	if (!text_blank(in->status)) {
		if (!strcmp(in->status, "closed"))
			closed = 1;
		else if (strcmp(in->status, "active") != 0)
			err(e, RDF_STATUS,
			    arena_printf(
			            a,
			            "Trạng thái “%s” không hợp lệ; hãy chọn “active” (đang hoạt "
			            "động) hoặc “closed” (đã đóng).",
			            quote(a, in->status)));
	}
	if (e->n)
		return RD_ERR_INVALID;
	store_shelf_t s = {.unit_id = cx->tree->units[i].id,
	                   .name = name,
	                   .kind = kind,
	                   .books_start = start,
	                   .opened_on = opened,
	                   .closed_on = closed ? vn_day(cx->now) : 0,
	                   .created_at = cx->now,
	                   .created_by = cx->actor};
	path_of(cx, i, &s.unit_path);
	return store_shelf_add(cx->store, &s, id) < 0 ? RD_ERR_STORE : RD_OK;
}

rd_rc_t
rd_shelf_status(const rd_ctx_t *cx, int32_t i, int64_t id, const char *status, rd_errors_t *e)
{
	memset(e, 0, sizeof *e);
	int32_t day;
	if (status && !strcmp(status, "closed"))
		day = vn_day(cx->now);
	else if (status && !strcmp(status, "active"))
		day = 0;
	else {
		err(e, RDF_STATUS,
		    "Trạng thái: hãy chọn “active” (đang hoạt động) hoặc “closed” (đã đóng).");
		return RD_ERR_INVALID;
	}
	int rc = store_shelf_close(cx->store, id, cx->tree->units[i].id, day);
	if (rc < 0)
		return RD_ERR_STORE;
	if (rc == 0) {
		err(e, RDF_SHELF, "Tủ sách: không có tủ sách này của đơn vị.");
		return RD_ERR_INVALID;
	}
	return RD_OK;
}

static int
take_shelf(const store_shelf_t *s, void *p)
{
	store_shelf_t *o = p;
	*o = *s;
	o->name = NULL; /* the caller copies what it needs below */
	return 1;
}

typedef struct shelf_got {
	store_shelf_t s;
	arena_t *a;
} shelf_got_t;

static int
got_shelf(const store_shelf_t *s, void *p)
{
	shelf_got_t *g = p;
	take_shelf(s, &g->s);
	g->s.name = arena_strdup(g->a, s->name);
	g->s.unit_path = arena_strdup(g->a, s->unit_path);
	g->s.kind = arena_strdup(g->a, s->kind);
	return 1;
}

/* The shelf whose id was typed in f's field: 1 found (into *s), 0 with an error, -1 store. */
static int
shelf_of(const rd_ctx_t *cx, rd_errors_t *e, int f, const char *label, const char *typed,
         store_shelf_t *s)
{
	int64_t id;
	if (text_blank(typed)) {
		err(e, f, arena_printf(cx->arena, "%s: chưa chọn; hãy chọn một tủ sách.", label));
		return 0;
	}
	if (text_parse_int(typed, strlen(typed), &id) < 0 || id <= 0) {
		err(e, f,
		    arena_printf(cx->arena,
		                 "%s “%s” không hợp lệ; hãy chọn một tủ sách trong danh sách.",
		                 label, quote(cx->arena, typed)));
		return 0;
	}
	shelf_got_t g = {.a = cx->arena};
	store_reading_query_t q = {.id = id};
	if (store_shelves(cx->store, &q, got_shelf, &g) < 0)
		return -1;
	if (g.s.id == 0) {
		err(e, f,
		    arena_printf(cx->arena,
		                 "%s: không có tủ sách số %lld; hãy chọn trong danh sách.", label,
		                 (long long)id));
		return 0;
	}
	*s = g.s;
	return 1;
}

/* The index of the province (depth 1) above unit u, or u's root when shallower. */
static int32_t
province_of(const unit_tree_t *t, int32_t u)
{
	while (u >= 0 && t->units[u].depth > 1)
		u = t->units[u].parent;
	return u;
}

rd_rc_t
rd_move_add(const rd_ctx_t *cx, int32_t i, const rd_input_t *in, int64_t *id, rd_errors_t *e)
{
	arena_t *a = cx->arena;
	const unit_tree_t *t = cx->tree;
	memset(e, 0, sizeof *e);
	size_t nk;
	const rd_option_t *mk = rd_move_kinds(&nk);
	const char *kind = NULL;
	for (size_t k = 0; in->kind && k < nk; k++)
		if (!strcmp(in->kind, mk[k].code))
			kind = mk[k].code;
	if (!kind)
		err(e, RDF_KIND,
		    arena_printf(a,
		                 "Loại ghi sổ “%s” không hợp lệ; hãy chọn add (bổ sung sách), move "
		                 "(luân chuyển) hoặc withdraw (thanh lý, mất).",
		                 quote(a, in->kind)));
	int32_t day = day_of(cx, e, RDF_DATE, "Ngày", in->date);
	int64_t count = number(a, e, RDF_COUNT_BOOKS, "Số sách", in->count, 1, RD_BOOKS_MAX, -1);
	const char *note = note_of(cx, e, in->note);
	store_shelf_t from = {0}, to = {0};
	int rc =
	        shelf_of(cx, e, RDF_SHELF, kind && !strcmp(kind, "move") ? "Từ tủ sách" : "Tủ sách",
	                 in->shelf, &from);
	if (rc < 0)
		return RD_ERR_STORE;
	if (rc > 0 && from.unit_id != t->units[i].id)
		err(e, RDF_SHELF,
		    arena_printf(a,
		                 "Tủ sách “%s” không thuộc đơn vị này; chỉ ghi sổ cho tủ sách của "
		                 "đơn vị mình.",
		                 from.name));
	else if (rc > 0 && from.closed_on)
		err(e, RDF_SHELF,
		    arena_printf(a, "Tủ sách “%s” đã đóng; hãy mở lại hoặc chọn tủ sách khác.",
		                 from.name));
	int32_t to_unit = -1;
	if (kind && !strcmp(kind, "move")) {
		int rt = shelf_of(cx, e, RDF_TO_SHELF, "Đến tủ sách", in->to_shelf, &to);
		if (rt < 0)
			return RD_ERR_STORE;
		if (rt > 0) {
			to_unit = unit_tree_find_id(t, to.unit_id);
			if (to.id == from.id)
				err(e, RDF_TO_SHELF,
				    "Đến tủ sách: trùng với tủ sách chuyển đi; hãy chọn một tủ "
				    "sách "
				    "khác.");
			else if (to.closed_on)
				err(e, RDF_TO_SHELF,
				    arena_printf(
				            a, "Đến tủ sách: “%s” đã đóng; hãy chọn tủ sách khác.",
				            to.name));
			else if (to_unit < 0 || province_of(t, to_unit) != province_of(t, i))
				err(e, RDF_TO_SHELF,
				    "Đến tủ sách: chỉ luân chuyển trong cùng tỉnh/thành phố; hãy "
				    "chọn "
				    "tủ sách của một đơn vị cùng tỉnh.");
		}
	} else if (!text_blank(in->to_shelf)) {
		err(e, RDF_TO_SHELF, "Đến tủ sách: chỉ dùng khi luân chuyển (move); hãy để trống.");
	}
	if (e->n)
		return RD_ERR_INVALID;
	store_book_move_t m = {.kind = kind,
	                       .day = day,
	                       .shelf_id = from.id,
	                       .unit_id = from.unit_id,
	                       .unit_path = from.unit_path,
	                       .to_path = "",
	                       .count = count,
	                       .note = note,
	                       .created_at = cx->now,
	                       .created_by = cx->actor};
	if (to.id) {
		m.to_shelf_id = to.id;
		m.to_unit_id = to.unit_id;
		m.to_path = to.unit_path;
		if (to.unit_id == from.unit_id) { /* within the unit: there at once */
			m.received_on = day;
			m.received_by = cx->actor;
		}
	}
	int64_t held = 0;
	rc = store_book_move_add(cx->store, &m, id, &held);
	if (rc == -3) {
		buf_t h = BUF_INIT, c = BUF_INIT;
		text_format_int(held, &h);
		text_format_int(count, &c);
		err(e, RDF_COUNT_BOOKS,
		    arena_printf(a,
		                 "Số sách: tủ “%s” hiện có %s cuốn, không thể %s %s cuốn; hãy nhập "
		                 "số không quá %s.",
		                 from.name, buf_cstr(&h),
		                 !strcmp(kind, "move") ? "chuyển đi" : "rút", buf_cstr(&c),
		                 buf_cstr(&h)));
		buf_free(&h);
		buf_free(&c);
		return RD_ERR_INVALID;
	}
	return rc < 0 ? RD_ERR_STORE : RD_OK;
}

rd_rc_t
rd_move_receive(const rd_ctx_t *cx, int32_t i, int64_t id, rd_errors_t *e)
{
	memset(e, 0, sizeof *e);
	int rc = store_book_move_receive(cx->store, id, cx->tree->units[i].id, vn_day(cx->now),
	                                 cx->actor);
	if (rc < 0)
		return RD_ERR_STORE;
	if (rc == 0) {
		err(e, RDF_SHELF,
		    "Không có đợt sách đang chuyển này đến đơn vị (đã nhận rồi, hoặc gửi đến đơn "
		    "vị "
		    "khác).");
		return RD_ERR_INVALID;
	}
	return RD_OK;
}

rd_rc_t
rd_reading_add(const rd_ctx_t *cx, int32_t i, const rd_input_t *in, int64_t *id, rd_errors_t *e)
{
	arena_t *a = cx->arena;
	memset(e, 0, sizeof *e);
	int32_t day = day_of(cx, e, RDF_DATE, "Ngày", in->date);
	const char *ch = pick(a, e, RDF_CHANNEL, "Hình thức đọc", rd_channels, in->channel);
	int64_t readers =
	        number(a, e, RDF_READERS, "Số lượt đọc", in->readers, 1, RD_READERS_MAX, -1);
	int64_t loans = number(a, e, RDF_LOANS, "Số lượt mượn", in->loans, 0, RD_READERS_MAX, 0);
	const char *note = note_of(cx, e, in->note);
	store_shelf_t s = {0};
	int rc = shelf_of(cx, e, RDF_SHELF, "Tủ sách", in->shelf, &s);
	if (rc < 0)
		return RD_ERR_STORE;
	if (rc > 0 && s.unit_id != cx->tree->units[i].id)
		err(e, RDF_SHELF,
		    arena_printf(
		            a,
		            "Tủ sách “%s” không thuộc đơn vị này; chỉ ghi lượt đọc cho tủ sách "
		            "của đơn vị mình.",
		            s.name));
	if (e->n)
		return RD_ERR_INVALID;
	store_reading_t r = {.shelf_id = s.id,
	                     .unit_id = s.unit_id,
	                     .unit_path = s.unit_path,
	                     .day = day,
	                     .channel = ch,
	                     .readers = readers,
	                     .loans = loans,
	                     .note = note,
	                     .created_at = cx->now,
	                     .created_by = cx->actor};
	return store_reading_add(cx->store, &r, id) < 0 ? RD_ERR_STORE : RD_OK;
}

/* ---------- period, roll-up, pre-fill ---------- */

void
rd_year_days(int year, int32_t *from, int32_t *to)
{
	*from = text_days_from_civil(year, 1, 1);
	*to = text_days_from_civil(year, 12, 31);
}

int
rd_counts_in(int32_t day, int year)
{
	int32_t f, t;
	rd_year_days(year, &f, &t);
	return day >= f && day <= t;
}

int
rd_is_establishment(const char *kind)
{
	return kind && (!strncmp(kind, "truong_", 7) || !strcmp(kind, "tthtcd") ||
	                !strncmp(kind, "tt_gdnn", 7));
}

typedef struct roll {
	const rd_ctx_t *cx;
	int32_t top;
	rd_rollup_t *r;
	unsigned char *has; /* per tree index in the subtree: a shelf active */
} roll_t;

static int
roll_row(const store_reading_sum_t *s, void *p)
{
	roll_t *l = p;
	const unit_tree_t *t = l->cx->tree;
	int32_t u = unit_tree_find_id(t, s->unit_id);
	if (u < l->top || u >= t->units[l->top].end)
		return 0; /* moved out of the subtree since */
	/* the row: the top's own, or the child of top above u */
	int32_t c = u;
	while (c != l->top && t->units[c].parent != l->top)
		c = t->units[c].parent;
	size_t row = 0;
	while (row < l->r->nrows && l->r->unit[row] != c)
		row++;
	if (row == l->r->nrows)
		return 0;
	rd_sums_t *d[2] = {&l->r->rows[row], &l->r->total};
	for (int k = 0; k < 2; k++) {
		rd_sums_t *x = d[k];
		if (!strcmp(s->what, "shelf")) {
			x->shelves += s->n;
			x->held += s->a;
			size_t nk;
			const rd_option_t *v = rd_shelf_kinds(&nk);
			for (size_t q = 0; q < nk; q++)
				if (!strcmp(v[q].code, s->key))
					x->by_kind[q] += s->n;
		} else if (!strcmp(s->what, "add")) {
			x->added += s->a;
		} else if (!strcmp(s->what, "move")) {
			x->moves += s->a;
			if (!strcmp(s->key, "out") || !strcmp(s->key, "transit"))
				x->rotated_out += s->a;
			if (!strcmp(s->key, "transit"))
				x->in_transit += s->a;
		} else if (!strcmp(s->what, "withdraw")) {
			x->withdrawn += s->a;
		} else if (!strcmp(s->what, "read")) {
			x->readers += s->a;
			x->loans += s->b;
			if (!strcmp(s->key, "truc_tuyen"))
				x->online += s->a;
		}
	}
	if (!strcmp(s->what, "shelf") && s->n > 0 && !l->has[u - l->top]) {
		l->has[u - l->top] = 1;
		l->r->rows[row].units_with_shelf++;
		l->r->total.units_with_shelf++;
	}
	return 0;
}

int
rd_rollup(const rd_ctx_t *cx, int32_t i, int year, rd_rollup_t *r)
{
	const unit_tree_t *t = cx->tree;
	memset(r, 0, sizeof *r);
	size_t cap = (size_t)t->units[i].nchildren + 1;
	r->unit = arena_alloc(cx->arena, cap * sizeof *r->unit);
	r->rows = arena_alloc(cx->arena, cap * sizeof *r->rows);
	memset(r->rows, 0, cap * sizeof *r->rows);
	r->unit[r->nrows++] = i;
	int32_t nk = unit_tree_children(t, i, r->unit + 1, (int32_t)cap - 1);
	r->nrows += (size_t)(nk < (int32_t)cap - 1 ? nk : (int32_t)cap - 1);
	size_t span = (size_t)(t->units[i].end - i);
	roll_t l = {cx, i, r, arena_alloc(cx->arena, span)};
	memset(l.has, 0, span);
	store_reading_query_t q = {0};
	path_of(cx, i, &q.path);
	rd_year_days(year, &q.from_day, &q.to_day);
	return store_reading_sums(cx->store, &q, roll_row, &l) < 0 ? -1 : 0;
}

typedef struct pre {
	const rd_ctx_t *cx;
	int64_t first;
	int32_t first_day;
	int nshelves;
	const char *first_name;
	int (*cb)(const rd_source_t *, void *);
	void *ctx;
} pre_t;

static int
pre_shelf(const store_shelf_t *s, void *p)
{
	pre_t *l = p;
	if (l->nshelves++ == 0) {
		l->first = s->id;
		l->first_day = s->opened_on;
		l->first_name = arena_strdup(l->cx->arena, s->name);
	}
	return 0;
}

static int
pre_online(const store_reading_t *r, void *p)
{
	pre_t *l = p;
	rd_source_t s = {r->id, RD_PREFILL_ONLINE,
	                 arena_printf(l->cx->arena, "Đọc trực tuyến — %s", r->shelf_name), r->day,
	                 r->readers};
	return l->cb(&s, l->ctx);
}

int
rd_prefill_sources(const rd_ctx_t *cx, int32_t i, int year, int (*cb)(const rd_source_t *, void *),
                   void *ctx)
{
	pre_t l = {.cx = cx, .cb = cb, .ctx = ctx};
	store_reading_query_t q = {.exact = 1};
	path_of(cx, i, &q.path);
	rd_year_days(year, &q.from_day, &q.to_day);
	if (rd_is_establishment(cx->tree->units[i].kind)) {
		if (store_shelves(cx->store, &q, pre_shelf, &l) < 0)
			return -1;
		if (l.nshelves > 0) {
			int32_t f, t;
			rd_year_days(year, &f, &t);
			rd_source_t s = {l.first, RD_PREFILL_LIBRARY,
			                 l.nshelves > 1
			                         ? arena_printf(cx->arena, "%s và %d tủ sách khác",
			                                        l.first_name, l.nshelves - 1)
			                         : l.first_name,
			                 l.first_day > f ? l.first_day : f, -1};
			int rc = cb(&s, ctx);
			if (rc)
				return rc;
		}
	}
	q.channel = "truc_tuyen";
	return store_readings(cx->store, &q, pre_online, &l) < 0 ? -1 : 0;
}
