/* The national-scale dataset generator (see gen.h). */
#include "domain/gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/buf.h"
#include "core/file.h"
#include "core/mem.h"
#include "domain/template.h"
#include "domain/units.h"
#include "text/text.h"

#define GEN_BATCH 5000 /* reports per transaction */

/* splitmix64: tiny, fast, and the same sequence on every platform, unlike rand(), so a
 * seed means the same dataset everywhere. */
typedef struct rng {
	uint64_t s;
} rng_t;

static uint64_t
rng_next(rng_t *r)
{
	uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi]. */
static int64_t
rng_range(rng_t *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

/* 1 with probability pct %. */
static int
rng_pct(rng_t *r, int pct)
{
	return (int)(rng_next(r) % 100) < pct;
}

void
gen_opts_default(gen_opts_t *o)
{
	*o = (gen_opts_t){
	        .seed = 1,
	        .schools_min = 3,
	        .schools_max = 5,
	        .submitted_pct = 85,
	        .draft_pct = 8,
	        .assets = SUOTDOI_SOURCE_DIR,
	        .only_province = NULL,
	        .scale = 1,
	};
}

/* ---------- emptiness ---------- */

static int
count_cb(const void *row, void *ctx)
{
	(void)row;
	(*(size_t *)ctx)++;
	return 0;
}

static int
count_unit(const store_unit_t *u, void *ctx)
{
	return count_cb(u, ctx);
}

static int
count_template(const store_template_t *t, void *ctx)
{
	return count_cb(t, ctx);
}

static int
count_campaign(const store_campaign_t *c, void *ctx)
{
	return count_cb(c, ctx);
}

/* ---------- bodies ---------- */

static int
is_commune(const unit_t *u)
{
	return u->is_locality && (!strcmp(u->kind, "xa") || !strcmp(u->kind, "phuong") ||
	                          !strcmp(u->kind, "thi_tran") || !strcmp(u->kind, "dac_khu"));
}

/* The commune's type in lower case for "Ủy ban nhân dân xã Tân Lập". */
static const char *
commune_word(const char *kind)
{
	if (!strcmp(kind, "phuong"))
		return "phường";
	if (!strcmp(kind, "thi_tran"))
		return "thị trấn";
	if (!strcmp(kind, "dac_khu"))
		return "đặc khu";
	return "xã";
}

/* "Xã Tân Lập" -> "Tân Lập"; but "Phường 1" stays whole, since "Trường Tiểu học 1" would
 * read as a school number rather than a place. */
static const char *
commune_place(const unit_t *u)
{
	size_t k = strlen(u->kind_name);
	const char *n = u->name;
	if (!strncmp(n, u->kind_name, k) && n[k] == ' ' && n[k + 1] &&
	    !(n[k + 1] >= '0' && n[k + 1] <= '9'))
		return n + k + 1;
	return n;
}

/* The province (depth 1) above unit i. */
static int32_t
province_of(const unit_tree_t *t, int32_t i)
{
	while (i >= 0 && t->units[i].depth > 1)
		i = t->units[i].parent;
	return i;
}

static int
in_scope(const unit_tree_t *t, int32_t i, const char *only)
{
	if (!only)
		return 1;
	int32_t p = province_of(t, i);
	return p > 0 && !strcmp(t->units[p].code, only);
}

/* A CSV field, always quoted: registry names may one day hold a comma. */
static void
csv_field(buf_t *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_putc(b, '"');
		buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

static void
csv_row(buf_t *b, const char *code_commune, const char *suffix, const char *name, const char *kind,
        const char *parent)
{
	buf_printf(b, "G%s-%s,", code_commune, suffix);
	csv_field(b, name);
	buf_printf(b, ",%s,%s,%s\n", kind, parent, parent);
}

/* The schools of one commune: a kindergarten, a primary and a lower secondary school
 * first (every commune has them), then more primaries and kindergartens numbered "số 2",
 * "số 3"... as large communes have. */
static void
commune_schools(buf_t *b, const unit_t *u, int nschools)
{
	static const struct {
		const char *kind, *prefix;
	} base[3] = {{"truong_mn", "Trường Mầm non"},
	             {"truong_th", "Trường Tiểu học"},
	             {"truong_thcs", "Trường THCS"}};
	const char *place = commune_place(u);
	char suffix[16], name[600];
	for (int s = 0; s < nschools; s++) {
		int k = s < 3 ? s : (s % 2 ? 0 : 1); /* extras: kindergarten, primary, ... */
		snprintf(suffix, sizeof suffix, "S%d", s + 1);
		if (s < 3)
			snprintf(name, sizeof name, "%s %s", base[k].prefix, place);
		else
			snprintf(name, sizeof name, "%s %s số %d", base[k].prefix, place,
			         2 + (s - 3) / 2);
		csv_row(b, u->code, suffix, name, base[k].kind, u->code);
	}
}

/* The suotdoi-format CSV of every commune's bodies in scope. */
static size_t
bodies_csv(const unit_tree_t *t, const gen_opts_t *o, rng_t *r, buf_t *b)
{
	size_t n = 0;
	char name[600];
	buf_puts(b, "code,name,kind,parent_code,locality_code\n");
	for (int32_t i = 0; i < t->n; i++) {
		const unit_t *u = &t->units[i];
		if (!is_commune(u) || !in_scope(t, i, o->only_province))
			continue;
		const char *w = commune_word(u->kind);
		const char *place = commune_place(u);
		/* "Phường 1" keeps its type in the name already */
		const char *sep = place == u->name ? "" : " ";
		const char *word = place == u->name ? "" : w;
		snprintf(name, sizeof name, "Ủy ban nhân dân %s%s%s", word, sep, place);
		csv_row(b, u->code, "UB", name, "ubnd_xa", u->code);
		snprintf(name, sizeof name, "Trung tâm học tập cộng đồng %s%s%s", word, sep, place);
		csv_row(b, u->code, "CLC", name, "tthtcd", u->code);
		int ns = (int)rng_range(r, o->schools_min, o->schools_max);
		commune_schools(b, u, ns);
		n += 2 + (size_t)ns;
	}
	return n;
}

/* ---------- scale ---------- */

static int import(store_t *st, const char *what, const char *data, size_t len, size_t *inserted,
                  char *err, size_t errlen);

typedef struct span {
	const char *p;
	size_t n;
} span_t;

/* One registry row, fields borrowed from the file (the registry is never quoted). */
typedef struct reg_row {
	span_t f[5]; /* code, name, type, level, parent_code */
	span_t place;
	int numbered; /* "Phường 1": the place is a number, kept as it is */
} reg_row_t;

/* Syllables of the real place names by position: first syllables, and the others. */
typedef struct syl_pool {
	span_t *first, *rest;
	size_t nfirst, nrest;
} syl_pool_t;

static int
span_is(span_t s, const char *lit)
{
	return s.n == strlen(lit) && !memcmp(s.p, lit, s.n);
}

/* The place in "Xã Tân Lập" (type Xã) or "Thành phố Hà Nội" (type Thành phố Trung
 * ương); the whole name when it does not start with its type. */
static span_t
place_of(span_t name, span_t type)
{
	size_t k = span_is(type, "Thành phố Trung ương") ? strlen("Thành phố") : type.n;
	if (name.n > k + 1 && !memcmp(name.p, type.p, k) && name.p[k] == ' ')
		return (span_t){name.p + k + 1, name.n - k - 1};
	return name;
}

/* The registry's rows after its header; *n rows, caller frees. */
static reg_row_t *
reg_rows(const char *csv, size_t len, size_t *n)
{
	size_t cap = 1024, k = 0;
	reg_row_t *rows = xmalloc(size_mul(cap, sizeof *rows));
	const char *p = memchr(csv, '\n', len), *end = csv + len;
	for (p = p ? p + 1 : end; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		size_t ll = (size_t)(eol - p);
		if (ll && p[ll - 1] == '\r')
			ll--;
		reg_row_t r = {0};
		const char *f = p, *le = p + ll;
		int nf = 0;
		while (nf < 5) {
			const char *c = memchr(f, ',', (size_t)(le - f));
			const char *fe = c && nf < 4 ? c : le;
			r.f[nf++] = (span_t){f, (size_t)(fe - f)};
			if (fe == le)
				break;
			f = fe + 1;
		}
		p = eol + 1;
		if (nf != 5 || !r.f[0].n || !r.f[1].n || memchr(r.f[1].p, '"', r.f[1].n))
			continue;
		r.place = place_of(r.f[1], r.f[2]);
		r.numbered = r.place.p[0] >= '0' && r.place.p[0] <= '9';
		if (k == cap) {
			cap *= 2;
			rows = xrealloc(rows, size_mul(cap, sizeof *rows));
		}
		rows[k++] = r;
	}
	*n = k;
	return rows;
}

/* Syllables of a place, skipping separators such as the "-" of "Bà Rịa - Vũng Tàu". */
static size_t
syllables(span_t place, span_t *out, size_t max)
{
	size_t k = 0, i = 0;
	while (i < place.n && k < max) {
		while (i < place.n && place.p[i] == ' ')
			i++;
		size_t j = i;
		while (j < place.n && place.p[j] != ' ')
			j++;
		unsigned char c = (unsigned char)place.p[i];
		if (j > i && (c >= 0x80 || (c >= '0' && c <= '9') ||
		              ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
			out[k++] = (span_t){place.p + i, j - i};
		i = j;
	}
	return k;
}

static void
syl_pool_build(const reg_row_t *rows, size_t n, syl_pool_t *sp)
{
	*sp = (syl_pool_t){xmalloc(size_mul(n + 1, sizeof(span_t))),
	                   xmalloc(size_mul(size_mul(n + 1, 8), sizeof(span_t))), 0, 0};
	for (size_t i = 0; i < n; i++) {
		span_t sy[8];
		size_t k = rows[i].numbered ? 0 : syllables(rows[i].place, sy, 8);
		for (size_t j = 0; j < k; j++) {
			if (j == 0)
				sp->first[sp->nfirst++] = sy[j];
			else
				sp->rest[sp->nrest++] = sy[j];
		}
	}
}

/* The registry again as copy k (S<k>.<code>), same shape, places renamed. */
static void
synthetic_registry(const reg_row_t *rows, size_t n, const syl_pool_t *sp, int k, rng_t *r, buf_t *b)
{
	char name[600];
	for (size_t i = 0; i < n; i++) {
		const reg_row_t *row = &rows[i];
		span_t sy[8];
		size_t ns = row->numbered ? 0 : syllables(row->place, sy, 8);
		size_t len = 0, plen = (size_t)(row->place.p - row->f[1].p);
		memcpy(name, row->f[1].p, plen); /* "Xã " */
		len = plen;
		if (!ns || !sp->nfirst || !sp->nrest) {
			memcpy(name + len, row->place.p, row->place.n);
			len += row->place.n;
		}
		for (size_t j = 0; j < ns && sp->nfirst && sp->nrest; j++) {
			span_t s = j == 0 ? sp->first[rng_next(r) % sp->nfirst]
			                  : sp->rest[rng_next(r) % sp->nrest];
			if (len + s.n + 2 >= sizeof name)
				break;
			if (j)
				name[len++] = ' ';
			memcpy(name + len, s.p, s.n);
			len += s.n;
		}
		name[len] = '\0';
		buf_printf(b, "S%d.%.*s,", k, (int)row->f[0].n, row->f[0].p);
		csv_field(b, name);
		buf_printf(b, ",%.*s,%.*s,", (int)row->f[2].n, row->f[2].p, (int)row->f[3].n,
		           row->f[3].p);
		if (row->f[4].n)
			buf_printf(b, "S%d.%.*s", k, (int)row->f[4].n, row->f[4].p);
		buf_putc(b, '\n');
	}
}

/* Copies 1..scale-1 of the registry, imported one by one (each is a whole, valid
 * registry). Adds the units written to *units. */
static int
import_scaled(store_t *st, const char *reg, size_t reglen, const gen_opts_t *o, size_t *units,
              char *err, size_t errlen)
{
	size_t n;
	reg_row_t *rows = reg_rows(reg, reglen, &n);
	syl_pool_t sp;
	syl_pool_build(rows, n, &sp);
	rng_t r = {0x5CA1Eull ^ ((uint64_t)o->seed << 21) ^ o->seed};
	buf_t b = BUF_INIT;
	int rc = 0;
	for (int k = 1; k < o->scale && rc == 0; k++) {
		buf_reset(&b);
		buf_puts(&b, "code,name,type,level,parent_code\n");
		synthetic_registry(rows, n, &sp, k, &r, &b);
		size_t ins = 0;
		rc = import(st, "danh mục hành chính mô phỏng", b.data, b.len, &ins, err, errlen);
		*units += ins;
	}
	buf_free(&b);
	free(sp.first);
	free(sp.rest);
	free(rows);
	return rc;
}

/* ---------- values ---------- */

/* How many of something happened, for a school or a CLC during the week: each item has
 * a range and a chance of being zero, since most units do only some of the activities. */
typedef struct item_range {
	const char *code;
	int64_t lo, hi;
	int zero_pct; /* chance the unit did none */
} item_range_t;

static const item_range_t ranges[] = {
        {"2.bao", 1, 5, 60},
        {"2.truyen_hinh", 1, 3, 80},
        {"2.phat_thanh", 1, 10, 40},
        {"2.bao_tuong", 1, 20, 30},
        {"3.to_roi", 20, 500, 35},
        {"3.sach", 5, 200, 45},
        {"3.bang_zon", 1, 15, 10},
        {"4.hoi_thao", 1, 3, 45},
        {"4.trien_lam", 30, 800, 60},
        {"4.van_nghe", 1, 2, 55},
        {"6.tai_lieu_so", 5, 300, 30},
        {"6.tap_huan", 1, 6, 35},
        {"6.doc_online", 10, 2000, 40},
        {"8.don_vi", 1, 3, 50},
        {"8.ca_nhan", 1, 15, 35},
};

static const item_range_t *
range_of(const char *code)
{
	for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
		if (!strcmp(ranges[i].code, code))
			return &ranges[i];
	return NULL;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && !strcmp(s + n - k, suffix);
}

/* Value of item col for a unit of kind; classes and their participants are drawn
 * together (participants = classes x 10..60) so the pair is consistent by construction. */
static void
draw_values(const template_t *tpl, const char *kind, rng_t *r, int64_t *num)
{
	int clc = !strcmp(kind, "tthtcd");
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		const item_range_t *ir = range_of(it->code);
		int64_t v;
		if (it->type == TPL_BOOL)
			v = rng_pct(r, 92);
		else if (ir)
			v = rng_pct(r, ir->zero_pct) ? 0 : rng_range(r, ir->lo, ir->hi);
		else if (!strncmp(it->code, "5.", 2) && ends_with(it->code, ".lop")) {
			/* literacy (5.6) and rural vocational (5.3) classes are a CLC's work */
			int rare = !strcmp(it->code, "5.6.lop") ||
			           (!clc && !strcmp(it->code, "5.3.lop"));
			v = rng_pct(r, rare ? 90 : 50) ? 0 : rng_range(r, 1, rare ? 2 : 8);
		} else if (!strncmp(it->code, "5.", 2) && ends_with(it->code, ".nguoi")) {
			v = 0; /* filled from its classes below */
		} else if (!strcmp(it->code, "4.nguoi"))
			v = 0; /* from the seminars below */
		else if (!strcmp(it->code, "6.co_so"))
			v = clc ? 0 : rng_pct(r, 85);
		else if (!strncmp(it->code, "7.", 2))
			v = clc ? rng_pct(r, 85) : 0; /* only a CLC counts itself */
		else if (it->type == TPL_MONEY)
			v = 0; /* from the awards below */
		else
			v = rng_pct(r, 50) ? 0 : rng_range(r, 1, 10);
		num[c] = v;
	}
	/* the dependent figures */
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		if (!strncmp(it->code, "5.", 2) && ends_with(it->code, ".nguoi")) {
			char lop[64];
			snprintf(lop, sizeof lop, "%.*s.lop", (int)(strlen(it->code) - 6),
			         it->code);
			const tpl_item_t *l = template_item(tpl, lop);
			int64_t classes = l && l->col >= 0 ? num[l->col] : 0;
			int64_t p = 0;
			for (int64_t k = 0; k < classes; k++)
				p += rng_range(r, 10, 60);
			num[c] = p;
		} else if (!strcmp(it->code, "4.nguoi")) {
			const tpl_item_t *h = template_item(tpl, "4.hoi_thao");
			int64_t n = h && h->col >= 0 ? num[h->col] : 0;
			num[c] = n * rng_range(r, 20, 150);
		} else if (it->type == TPL_MONEY) {
			const tpl_item_t *d = template_item(tpl, "8.don_vi");
			const tpl_item_t *p = template_item(tpl, "8.ca_nhan");
			int64_t awards = (d && d->col >= 0 ? num[d->col] : 0) +
			                 (p && p->col >= 0 ? num[p->col] : 0);
			/* no awards, no money; else up to 20.000.000 đồng in 100.000 đồng steps */
			num[c] = awards ? rng_range(r, 5, 200) * 100000 : 0;
		}
	}
}

static int64_t
rule_side(const template_t *tpl, const char *s, const int64_t *num)
{
	const tpl_item_t *it = template_item(tpl, s);
	if (it && it->col >= 0)
		return num[it->col];
	return strtoll(s, NULL, 10);
}

/* Make the values satisfy the template's bounds and relations whatever items a template
 * has (the draws above know the default one): a rule's left side is moved to the
 * nearest value that holds. A few passes settle chains (a >= b, b >= c). */
static void
repair(const template_t *tpl, int64_t *num)
{
	for (int pass = 0; pass < 4; pass++) {
		for (size_t k = 0; k < tpl->nrules; k++) {
			const tpl_rule_t *ru = &tpl->rules[k];
			if (ru->when && rule_side(tpl, ru->when, num) <= 0)
				continue;
			const tpl_item_t *l = template_item(tpl, ru->left);
			if (!l || l->col < 0)
				continue;
			int64_t *lv = &num[l->col], rv = rule_side(tpl, ru->right, num);
			if (!strcmp(ru->op, ">=") && *lv < rv)
				*lv = rv;
			else if (!strcmp(ru->op, ">") && *lv <= rv)
				*lv = rv + 1;
			else if (!strcmp(ru->op, "<=") && *lv > rv)
				*lv = rv;
			else if (!strcmp(ru->op, "<") && *lv >= rv)
				*lv = rv - 1;
			else if (!strcmp(ru->op, "==") && *lv != rv)
				*lv = rv;
		}
		for (size_t c = 0; c < tpl->ncols; c++) {
			const tpl_item_t *it = template_item_col(tpl, (int)c);
			int64_t lo = it->type == TPL_BOOL ? 0 : (it->has_min ? it->min : 0);
			int64_t hi = it->type == TPL_BOOL ? 1 : (it->has_max ? it->max : INT64_MAX);
			if (num[c] < lo)
				num[c] = lo;
			if (num[c] > hi)
				num[c] = hi;
		}
	}
}

/* The heading group of an item ("5" for "5.3.lop"): a draft is filled top-down, group by
 * group, so classes never lose their participants half-way. */
static int
group_of(const char *code)
{
	return atoi(code);
}

static const char *const narratives[] = {
        "Đơn vị đã ban hành kế hoạch, phân công cán bộ phụ trách và tuyên truyền rộng rãi "
        "đến học sinh, phụ huynh và nhân dân trên địa bàn.",
        "Tổ chức lễ hưởng ứng, treo băng zôn, khẩu hiệu; lồng ghép nội dung chuyển đổi số "
        "vào các buổi sinh hoạt chuyên môn.",
        "Phối hợp với Hội Khuyến học và các đoàn thể tổ chức các lớp học, hoạt động đọc "
        "sách và giới thiệu tài liệu số.",
};

/* ---------- the whole run ---------- */

typedef struct gen_run {
	store_t *st;
	const gen_opts_t *o;
	template_t *tpl;
	unit_tree_t *t;
	rng_t r;
	char *err;
	size_t errlen;
} gen_run_t;

static int
save_campaign(gen_run_t *g, const char *tpl_json, int64_t *cid)
{
	store_template_t row = {0,        g->tpl->code,       g->tpl->name, g->tpl->year,
	                        tpl_json, (int64_t)time(NULL)};
	int64_t tid;
	int32_t d1, d7, reg, due;
	text_parse_date("01/10/2022", 10, &d1);
	text_parse_date("07/10/2022", 10, &d7);
	text_parse_date("30/09/2022", 10, &reg);
	text_parse_date("10/10/2022", 10, &due);
	char deadlines[200];
	snprintf(deadlines, sizeof deadlines, "truong_mn=%d truong_th=%d truong_thcs=%d tthtcd=%d",
	         due, due, due, due);
	store_campaign_t c = {
	        .issuer_unit_id = g->t->units[0].id,
	        .year = 2022,
	        .name = "Tuần lễ hưởng ứng học tập suốt đời năm 2022",
	        .theme = "Thúc đẩy chuyển đổi số phục vụ cho học tập suốt đời sau đại dịch "
	                 "COVID-19",
	        .start_date = d1,
	        .end_date = d7,
	        .registration_deadline = reg,
	        .opening_time = "",
	        .opening_place = "",
	        .opening_participants = "",
	        .status = "open",
	        .expected_kinds = "truong_mn truong_th truong_thcs tthtcd",
	        .deadlines = deadlines,
	        .created_at = (int64_t)time(NULL),
	};
	if (store_tx_begin(g->st) < 0)
		goto fail;
	if (store_template_save(g->st, &row, &tid) < 0)
		goto rollback;
	c.template_id = tid;
	if (store_campaign_save(g->st, &c, cid) < 0)
		goto rollback;
	if (store_tx_commit(g->st) < 0)
		goto fail;
	return 0;
rollback:
	store_tx_rollback(g->st);
fail:
	snprintf(g->err, g->errlen, "Không lưu được mẫu báo cáo và đợt hưởng ứng vào kho dữ liệu.");
	return -1;
}

static int
is_reporting(const char *kind)
{
	return !strcmp(kind, "tthtcd") || !strcmp(kind, "truong_mn") ||
	       !strcmp(kind, "truong_th") || !strcmp(kind, "truong_thcs");
}

/* One report of unit i, checked against the template before it is written. */
static int
one_report(gen_run_t *g, int64_t cid, int32_t i, int submitted, int64_t *num, unsigned char *has,
           store_value_t *vals)
{
	const template_t *tpl = g->tpl;
	const unit_t *u = &g->t->units[i];
	draw_values(tpl, u->kind, &g->r, num);
	repair(tpl, num);
	/* a draft stops somewhere before the last group */
	int last_group = 1 << 30;
	if (!submitted) {
		int maxg = 0;
		for (size_t c = 0; c < tpl->ncols; c++) {
			int gr = group_of(template_item_col(tpl, (int)c)->code);
			if (gr > maxg)
				maxg = gr;
		}
		last_group = (int)rng_range(&g->r, 1, maxg > 1 ? maxg - 1 : 1);
	}
	size_t nv = 0;
	for (size_t c = 0; c < tpl->ncols; c++) {
		const tpl_item_t *it = template_item_col(tpl, (int)c);
		has[c] = group_of(it->code) <= last_group;
		if (has[c])
			vals[nv++] = (store_value_t){it->code, 1, num[c], "", ""};
	}
	/* the narrative of a submitted report: the first text section often, every required
	 * text always (a submission without it would be refused) */
	const char **texts = calloc(tpl->ntexts + 1, sizeof *texts);
	if (!texts) {
		snprintf(g->err, g->errlen, "Không đủ bộ nhớ.");
		return -1;
	}
	for (size_t k = 0; submitted && k < tpl->ntexts; k++) {
		const tpl_item_t *it = template_item_tcol(tpl, (int)k);
		if (!it->required && !(k == 0 && rng_pct(&g->r, 60)))
			continue;
		texts[k] = narratives[rng_next(&g->r) % (sizeof narratives / sizeof narratives[0])];
		vals[nv++] = (store_value_t){it->code, 0, 0, texts[k], ""};
	}
	/* the generator's own guarantee: nothing a person could not have saved */
	tpl_values_t tv = {num, has, texts};
	tpl_error_t e;
	size_t nerr = template_check(tpl, &tv, submitted, &e, 1);
	free(texts);
	if (nerr) {
		snprintf(g->err, g->errlen, "Số liệu sinh ra cho %s không hợp lệ: %s", u->code,
		         e.msg);
		return -1;
	}
	/* handed in during the week or just after: 01/10/2022 .. 10/10/2022 */
	int64_t at = 1664582400 + rng_range(&g->r, 0, 10 * 86400 - 1);
	store_report_t rep = {
	        .campaign_id = cid,
	        .unit_id = u->id,
	        .status = submitted ? "submitted" : "draft",
	        .updated_at = at,
	        .submitted_at = submitted ? at : 0,
	        .comment = "",
	};
	int64_t rid, ver;
	if (store_report_save(g->st, &rep, vals, nv, 0, &rid, &ver) < 0) {
		snprintf(g->err, g->errlen, "Không ghi được báo cáo của đơn vị %s vào kho dữ liệu.",
		         u->code);
		return -1;
	}
	store_report_event_t ev = {0, rid, at, 0, submitted ? "submit" : "save", ""};
	if (store_report_event_add(g->st, &ev) < 0) {
		snprintf(g->err, g->errlen, "Không ghi được diễn biến báo cáo của đơn vị %s.",
		         u->code);
		return -1;
	}
	return 0;
}

static int
gen_reports(gen_run_t *g, int64_t cid, gen_stats_t *s)
{
	const template_t *tpl = g->tpl;
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	int64_t *num = calloc(nc, sizeof *num);
	unsigned char *has = calloc(nc, 1);
	store_value_t *vals = calloc(tpl->ncols + tpl->ntexts + 1, sizeof *vals);
	int ret = -1, in_tx = 0;
	size_t in_batch = 0;
	if (!num || !has || !vals) {
		snprintf(g->err, g->errlen, "Không đủ bộ nhớ.");
		goto out;
	}
	for (int32_t i = 0; i < g->t->n; i++) {
		const unit_t *u = &g->t->units[i];
		if (!is_reporting(u->kind) || !in_scope(g->t, i, g->o->only_province))
			continue;
		int roll = (int)(rng_next(&g->r) % 100);
		int submitted = roll < g->o->submitted_pct;
		if (!submitted && roll >= g->o->submitted_pct + g->o->draft_pct)
			continue; /* has not started */
		if (!in_tx) {
			if (store_tx_begin(g->st) < 0) {
				snprintf(g->err, g->errlen, "Không mở được giao dịch ghi báo cáo.");
				goto out;
			}
			in_tx = 1;
		}
		if (one_report(g, cid, i, submitted, num, has, vals) < 0)
			goto out;
		s->reports++;
		if (submitted)
			s->submitted++;
		else
			s->drafts++;
		if (++in_batch == GEN_BATCH) {
			in_tx = 0;
			in_batch = 0;
			if (store_tx_commit(g->st) < 0) {
				snprintf(g->err, g->errlen, "Không ghi được một lô báo cáo.");
				goto out;
			}
		}
	}
	if (in_tx) {
		in_tx = 0;
		if (store_tx_commit(g->st) < 0) {
			snprintf(g->err, g->errlen, "Không ghi được lô báo cáo cuối.");
			goto out;
		}
	}
	ret = 0;
out:
	if (in_tx)
		store_tx_rollback(g->st);
	free(num);
	free(has);
	free(vals);
	return ret;
}

/* Whether the registry CSV has a level-1 row with that code: checked before anything is
 * written, so a mistyped province leaves the store empty. */
static int
registry_has_province(const char *csv, const char *code)
{
	size_t k = strlen(code);
	for (const char *p = csv; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, code, k) != 0 || p[k] != ',')
			continue;
		/* code,name,type,level,parent_code: the level is the fourth field */
		const char *f = p;
		for (int i = 0; i < 3 && f; i++) {
			f = strchr(f, ',');
			f = f ? f + 1 : NULL;
		}
		return f && f[0] == '1' && f[1] == ',';
	}
	return 0;
}

static int
import(store_t *st, const char *what, const char *data, size_t len, size_t *inserted, char *err,
       size_t errlen)
{
	units_import_stats_t is;
	char e[2048];
	if (units_import_csv(st, data, len, &is, e, sizeof e) < 0) {
		snprintf(err, errlen, "Nhập %s không thành công: %s", what, e);
		return -1;
	}
	*inserted = is.inserted;
	return 0;
}

int
gen_national(store_t *st, const gen_opts_t *opts, gen_stats_t *out, char *err, size_t errlen)
{
	gen_opts_t o;
	gen_opts_default(&o);
	if (opts) {
		o = *opts;
		if (!o.schools_min && !o.schools_max) {
			o.schools_min = 3;
			o.schools_max = 5;
		}
		if (!o.submitted_pct && !o.draft_pct) {
			o.submitted_pct = 85;
			o.draft_pct = 8;
		}
		if (!o.assets)
			o.assets = SUOTDOI_SOURCE_DIR;
		if (!o.scale)
			o.scale = 1;
	}
	if (o.scale < 1 || o.scale > 100) {
		snprintf(err, errlen, "Hệ số quy mô phải từ 1 đến 100 (đang là %d).", o.scale);
		return -1;
	}
	if (o.schools_min < 0 || o.schools_max < o.schools_min || o.schools_max > 50) {
		snprintf(err, errlen,
		         "Số trường mỗi xã phải từ 0 đến 50 và tối thiểu không lớn hơn "
		         "tối đa (đang là %d..%d).",
		         o.schools_min, o.schools_max);
		return -1;
	}
	if (o.submitted_pct < 0 || o.draft_pct < 0 || o.submitted_pct + o.draft_pct > 100) {
		snprintf(err, errlen,
		         "Tỉ lệ đã nộp (%d%%) và đang nhập (%d%%) phải không âm và cộng "
		         "lại không quá 100%%.",
		         o.submitted_pct, o.draft_pct);
		return -1;
	}
	size_t nunits = 0, ntpl = 0, ncamp = 0;
	if (store_units_each(st, count_unit, &nunits) < 0 ||
	    store_templates_each(st, count_template, &ntpl) < 0 ||
	    store_campaigns_each(st, count_campaign, &ncamp) < 0) {
		snprintf(err, errlen, "Không đọc được kho dữ liệu.");
		return -1;
	}
	/* only the national root VN, created with the schema, may be there */
	if (nunits > 1 || ntpl || ncamp) {
		snprintf(err, errlen,
		         "Kho dữ liệu đã có dữ liệu (%zu đơn vị, %zu mẫu báo cáo, %zu "
		         "đợt): chỉ sinh dữ liệu toàn quốc vào một kho mới, trống.",
		         nunits, ntpl, ncamp);
		return -1;
	}

	/* read both inputs before writing anything */
	char path[4096], e[1024], *reg = NULL, *tjson = NULL;
	size_t reglen, tlen;
	snprintf(path, sizeof path, "%s/data/dvhc/units-2025-03-01.csv", o.assets);
	if (file_read_all(path, 1 << 26, &reg, &reglen, e, sizeof e) < 0) {
		snprintf(err, errlen, "%s", e);
		return -1;
	}
	snprintf(path, sizeof path, "%s/data/templates/phuluc-2022.json", o.assets);
	if (file_read_all(path, 1 << 20, &tjson, &tlen, e, sizeof e) < 0) {
		snprintf(err, errlen, "%s", e);
		free(reg);
		return -1;
	}
	gen_run_t g = {st,  &o,    NULL, NULL, {0x5D07D01ull ^ ((uint64_t)o.seed << 17) ^ o.seed},
	               err, errlen};
	gen_stats_t s = {0};
	int ret = -1;
	buf_t csv = BUF_INIT;
	if (o.only_province && !registry_has_province(reg, o.only_province)) {
		snprintf(err, errlen,
		         "Không có tỉnh, thành phố mã \"%s\" trong danh mục hành chính.",
		         o.only_province);
		goto out;
	}
	if (template_from_json(tjson, tlen, &g.tpl, e, sizeof e) < 0) {
		snprintf(err, errlen, "%s: %s", path, e);
		goto out;
	}
	if (import(st, "danh mục hành chính", reg, reglen, &s.units, err, errlen) < 0)
		goto out;
	if (o.scale > 1 && import_scaled(st, reg, reglen, &o, &s.units, err, errlen) < 0)
		goto out;
	free(reg);
	reg = NULL;
	if (unit_tree_build(st, &g.t, err, errlen) < 0)
		goto out;
	s.bodies = bodies_csv(g.t, &o, &g.r, &csv);
	if (s.bodies &&
	    import(st, "các đơn vị sinh ra", csv.data, csv.len, &s.bodies, err, errlen) < 0)
		goto out;
	buf_free(&csv);
	/* the bodies' ids */
	unit_tree_unref(g.t);
	g.t = NULL;
	if (unit_tree_build(st, &g.t, err, errlen) < 0)
		goto out;
	if (save_campaign(&g, tjson, &s.campaign_id) < 0)
		goto out;
	if (gen_reports(&g, s.campaign_id, &s) < 0)
		goto out;
	if (out)
		*out = s;
	ret = 0;
out:
	buf_free(&csv);
	if (g.t)
		unit_tree_unref(g.t);
	template_free(g.tpl);
	free(reg);
	free(tjson);
	return ret;
}
