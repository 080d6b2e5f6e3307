/* Units CSV import: reads the national registry format (code,name,type,level,
 * parent_code) or the suotdoi format (header-named columns, see docs/units-csv.md),
 * validates every row against the file and the store, then writes all changes in one
 * store transaction. Nothing is written when any row is bad. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/mem.h"
#include "core/strmap.h"
#include "csv/csv.h"
#include "domain/units.h"
#include "text/hygiene.h"
#include "text/legacy.h"
#include "text/text.h"

#define MAX_ERRORS 10
#define MAX_CODE UNITS_MAX_CODE
#define MAX_NAME 300

enum col {
	C_CODE,
	C_NAME,
	C_KIND,
	C_TYPE,
	C_LEVEL,
	C_PARENT,
	C_LOCALITY,
	C_EMAIL,
	C_PHONE,
	C_ACTIVE,
	C_NCOLS
};
static const char *const col_names[C_NCOLS] = {
        "code",        "name",          "kind",  "type",  "level",
        "parent_code", "locality_code", "email", "phone", "active",
};
/* Vietnamese labels for messages. */
static const char *const col_labels[C_NCOLS] = {
        "mã (code)",
        "tên (name)",
        "loại (kind)",
        "loại (type)",
        "cấp (level)",
        "mã đơn vị cấp trên (parent_code)",
        "mã địa bàn (locality_code)",
        "thư điện tử (email)",
        "điện thoại (phone)",
        "hoạt động (active)",
};

/* The registry's "type" column, mapped to kind codes. */
static const struct {
	const char *type, *kind;
} registry_types[] = {
        {"Tỉnh", "tinh"},
        {"Thành phố Trung ương", "tp_tw"},
        {"Huyện", "huyen"},
        {"Quận", "quan"},
        {"Thị xã", "thi_xa"},
        {"Thành phố", "tp_thuoc_tinh"},
        {"Xã", "xa"},
        {"Phường", "phuong"},
        {"Thị trấn", "thi_tran"},
        {"Đặc khu", "dac_khu"},
};

typedef struct row {
	size_t line;
	const char *code, *name, *kind, *parent; /* parent: code, never NULL */
	const char *locality, *email, *phone;    /* NULL = column absent: keep stored value */
	int active;                              /* -1 = column absent */
} row_t;

typedef struct existing {
	int64_t id;
	const char *code, *name, *kind, *locality, *email, *phone;
	int64_t parent_id;
	int active;
	int32_t valid_from, valid_to;
	int is_locality;
	const char *parent_code; /* resolved after loading */
} existing_t;

typedef struct ctx {
	arena_t a;
	existing_t *ex;
	size_t nex, capex;
	strmap_t ex_by_code; /* code -> index in ex */
	strmap_t kinds;      /* kind code -> 1 + is_locality */
	buf_t err;
	int nerr;
	/* legacy encodings (text/legacy.h): repair names detected as TCVN3/VNI instead of
	 * refusing them; the whole file's encoding when it came in TCVN3/VNI bytes */
	int repair_legacy;
	legacy_enc_t file_enc;
	size_t repaired;
} ctx_t;

static void add_error(ctx_t *c, size_t line, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void
add_error(ctx_t *c, size_t line, const char *fmt, ...)
{
	if (c->nerr++ >= MAX_ERRORS)
		return;
	if (c->err.len)
		buf_putc(&c->err, '\n');
	if (line)
		buf_printf(&c->err, "Dòng %zu: ", line);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&c->err, fmt, ap);
	va_end(ap);
}

static int
load_existing(const store_unit_t *u, void *p)
{
	ctx_t *c = p;
	if (c->nex == c->capex) {
		c->capex = c->capex ? c->capex * 2 : 1024;
		c->ex = xrealloc(c->ex, size_mul(c->capex, sizeof *c->ex));
	}
	c->ex[c->nex] = (existing_t){
	        .id = u->id,
	        .code = arena_strdup(&c->a, u->code),
	        .name = arena_strdup(&c->a, u->name),
	        .kind = arena_strdup(&c->a, u->kind),
	        .locality = arena_strdup(&c->a, u->locality_code),
	        .email = arena_strdup(&c->a, u->email),
	        .phone = arena_strdup(&c->a, u->phone),
	        .parent_id = u->parent_id,
	        .active = u->active,
	        .valid_from = u->valid_from,
	        .valid_to = u->valid_to,
	};
	int64_t kl;
	c->ex[c->nex].is_locality = strmap_get(&c->kinds, u->kind, strlen(u->kind), &kl) && kl == 2;
	c->nex++;
	return 0;
}

/* A code names its open-ended unit, else the newest closed one (an undated import may
 * not edit it: the message says so). */
static void
index_existing(ctx_t *c)
{
	for (size_t k = 0; k < c->nex; k++) {
		int64_t prev;
		const char *code = c->ex[k].code;
		if (strmap_get(&c->ex_by_code, code, strlen(code), &prev)) {
			const existing_t *p = &c->ex[prev];
			if (p->valid_to == STORE_DAY_OPEN || (c->ex[k].valid_to != STORE_DAY_OPEN &&
			                                      p->valid_from > c->ex[k].valid_from))
				continue;
		}
		strmap_put(&c->ex_by_code, code, strlen(code), (int64_t)k);
	}
}

static int
load_kind(const store_kind_t *k, void *p)
{
	ctx_t *c = p;
	char *code = arena_strdup(&c->a, k->code);
	strmap_put(&c->kinds, code, strlen(code), 1 + (k->is_locality != 0));
	return 0;
}

int
units_valid_code(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > UNITS_MAX_CODE)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (!isalnum(ch) && ch != '-' && ch != '_' && ch != '.')
			return 0;
	}
	return 1;
}

static int
valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	if (!at || at == s || strchr(at + 1, '@') || !strchr(at + 1, '.') || strlen(s) > 254)
		return 0;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == ',' || *p == ';')
			return 0;
	return at[strlen(at) - 1] != '.';
}

static int
valid_phone(const char *s)
{
	size_t digits = 0;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr("+ .-()", *p))
			return 0;
	}
	return digits >= 6 && digits <= 15;
}

/* Trim ASCII spaces; result lives in the arena. */
static char *
trimmed(arena_t *a, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

static const char *
str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

/* Cycle check over the merged parent relation (store + file). 1 if a cycle exists;
 * *at gets the line of a row on it. */
static int
has_cycle(ctx_t *c, row_t *rows, size_t nrows, strmap_t *row_by_code, size_t *at)
{
	/* node k < nex: existing unit k; nex + r: new row r (not in store). */
	size_t total = c->nex + nrows;
	int64_t *par = xmalloc(size_mul(total, sizeof *par));
	unsigned char *state = xcalloc(total, 1);
	/* a file row that updates an existing unit is that unit's node: its own nex + r node
	 * stays unused and must not hold garbage */
	for (size_t k = 0; k < total; k++)
		par[k] = -1;
	for (size_t k = 0; k < c->nex; k++) {
		int64_t v = -1;
		const char *pc = c->ex[k].parent_code;
		if (pc)
			strmap_get(&c->ex_by_code, pc, strlen(pc), &v);
		par[k] = v;
	}
	for (size_t r = 0; r < nrows; r++) {
		int64_t self, v = -1;
		if (!strmap_get(&c->ex_by_code, rows[r].code, strlen(rows[r].code), &self))
			self = (int64_t)(c->nex + r);
		if (*rows[r].parent) {
			if (!strmap_get(&c->ex_by_code, rows[r].parent, strlen(rows[r].parent),
			                &v)) {
				int64_t pr;
				if (strmap_get(row_by_code, rows[r].parent, strlen(rows[r].parent),
				               &pr))
					v = (int64_t)c->nex + pr;
			}
		}
		par[self] = v;
	}
	int cycle = 0;
	for (size_t s = 0; s < total && !cycle; s++) {
		int64_t k = (int64_t)s;
		while (k >= 0 && state[k] == 0) {
			state[k] = 1;
			k = par[k];
		}
		if (k >= 0 && state[k] == 1) {
			cycle = 1;
			/* find a file row on the cycle to name its line */
			int64_t start = k;
			*at = 0;
			do {
				if (k >= (int64_t)c->nex)
					*at = rows[k - (int64_t)c->nex].line;
				else {
					int64_t r;
					if (strmap_get(row_by_code, c->ex[k].code,
					               strlen(c->ex[k].code), &r))
						*at = rows[r].line;
				}
				k = par[k];
			} while (k != start && *at == 0);
		}
		for (k = (int64_t)s; k >= 0 && state[k] == 1; k = par[k])
			state[k] = 2;
	}
	free(par);
	free(state);
	return cycle;
}

/* A name typed in TCVN3 or VNI (pasted as mojibake, or the whole file in those bytes,
 * already converted by legacy_file) is never stored as it is: refused with the repaired
 * text to confirm, or, confirmed (repair_legacy), replaced by it. 0 (*name may now be
 * the repaired text), or -1 with the error added. */
static int
legacy_name(ctx_t *c, size_t line, const char **name)
{
	size_t n = strlen(*name);
	legacy_enc_t enc = c->file_enc;
	buf_t rep = BUF_INIT;
	if (enc) {
		/* converted with the file: the name is repaired already */
		int ascii = 1;
		for (size_t i = 0; i < n; i++)
			ascii &= (unsigned char)(*name)[i] < 0x80;
		if (ascii)
			return 0;
		buf_puts(&rep, *name);
	} else {
		enc = legacy_detect(*name, n, NULL);
		if (!enc || legacy_repair_mojibake(*name, n, enc, &rep) < 0 ||
		    strcmp(buf_cstr(&rep), *name) == 0) {
			buf_free(&rep);
			return 0;
		}
	}
	int rc = 0;
	if (c->repair_legacy) {
		*name = arena_strndup(&c->a, buf_cstr(&rep), rep.len);
		c->repaired++;
	} else if (c->file_enc) {
		add_error(c, line,
		          "tên “%s” (tệp được lưu bằng bảng mã %s, không phải UTF-8). Nếu đúng, "
		          "hãy nhập lại và xác nhận sửa theo gợi ý (suotdoi units import "
		          "--repair-legacy); nếu không, hãy lưu tệp với mã hóa UTF-8.",
		          buf_cstr(&rep), legacy_enc_name(enc));
		rc = -1;
	} else {
		add_error(c, line,
		          "tên “%s” có vẻ được gõ bằng bảng mã %s; có phải là “%s”? Nếu đúng, "
		          "hãy nhập lại và xác nhận sửa theo gợi ý (suotdoi units import "
		          "--repair-legacy); nếu không, hãy sửa tên trong tệp.",
		          *name, legacy_enc_name(enc), buf_cstr(&rep));
		rc = -1;
	}
	buf_free(&rep);
	return rc;
}

/* A whole file not in UTF-8 but in TCVN3 or VNI bytes: converted into *conv (the caller
 * frees it) and its encoding noted in c, so that every line is read and each name
 * offered for confirmation. */
static void
legacy_file(ctx_t *c, const char **data, size_t *len, buf_t *conv)
{
	legacy_guess_t g;
	if (text_utf8_valid(*data, *len) || legacy_detect(*data, *len, &g) == LEGACY_NONE ||
	    legacy_repair_bytes(*data, *len, g.enc, conv) < 0)
		return;
	c->file_enc = g.enc;
	*data = conv->data ? conv->data : "";
	*len = conv->len;
}

/* Read the header and every row of a units CSV into *rows (xrealloc'd, the caller frees;
 * strings in c->a), indexing them by code in row_by_code. registry_only: refuse a file
 * not in the registry format (code,name,type,level,parent_code). 0, or -1 with the
 * errors in c. */
static int
parse_rows(ctx_t *c, csv_reader_t *r, int registry_only, row_t **rows, size_t *nrows,
           strmap_t *row_by_code)
{
	size_t caprows = 0;
	/* Header: which columns, in which order. */
	int rc = csv_next(r);
	if (rc <= 0) {
		add_error(c, rc < 0 ? r->line : 0, "%s",
		          rc < 0 ? r->err : "Tệp CSV trống: dòng đầu phải là tiêu đề cột.");
		return -1;
	}
	int colpos[C_NCOLS];
	for (int k = 0; k < C_NCOLS; k++)
		colpos[k] = -1;
	size_t ncols = r->nfields;
	for (size_t i = 0; i < ncols; i++) {
		size_t fl;
		const char *f = csv_field(r, i, &fl);
		char *h = trimmed(&c->a, f, fl);
		for (char *p = h; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		int found = -1;
		for (int k = 0; k < C_NCOLS; k++)
			if (strcmp(h, col_names[k]) == 0)
				found = k;
		if (found < 0) {
			add_error(c, 1,
			          "cột \"%s\" không được hỗ trợ. Các cột dùng được: code, name, "
			          "kind, "
			          "parent_code, locality_code, email, phone, active (hoặc type, "
			          "level "
			          "theo danh mục hành chính).",
			          h);
		} else if (colpos[found] >= 0) {
			add_error(c, 1, "cột \"%s\" xuất hiện hai lần.", h);
		} else {
			colpos[found] = (int)i;
		}
	}
	int registry = colpos[C_TYPE] >= 0;
	if (colpos[C_CODE] < 0 || colpos[C_NAME] < 0)
		add_error(c, 1, "thiếu cột bắt buộc \"code\" hoặc \"name\".");
	if (!registry && colpos[C_KIND] < 0)
		add_error(c, 1,
		          "thiếu cột \"kind\" (loại đơn vị) hoặc \"type\" (theo danh mục "
		          "hành chính).");
	if (registry && colpos[C_KIND] >= 0)
		add_error(c, 1, "chỉ dùng một trong hai cột \"kind\" hoặc \"type\".");
	if (registry_only && !registry)
		add_error(c, 1,
		          "tệp danh mục có ngày hiệu lực phải theo mẫu danh mục hành chính với các "
		          "cột code, name, type, level, parent_code (docs/units-csv.md).");
	if (c->nerr)
		return -1;

	while ((rc = csv_next(r)) > 0) {
		size_t line = r->line;
		if (r->nfields != ncols) {
			add_error(c, line, "có %zu cột nhưng tiêu đề có %zu cột.", r->nfields,
			          ncols);
			continue;
		}
		const char *v[C_NCOLS] = {0};
		int bad = 0;
		for (int k = 0; k < C_NCOLS; k++) {
			if (colpos[k] < 0)
				continue;
			size_t fl;
			const char *f = csv_field(r, (size_t)colpos[k], &fl);
			if (!text_utf8_valid(f, fl)) {
				add_error(c, line,
				          "cột %s không phải văn bản UTF-8 hợp lệ; hãy lưu tệp với "
				          "mã "
				          "hóa UTF-8.",
				          col_labels[k]);
				bad = 1;
				break;
			}
			v[k] = trimmed(&c->a, f, fl);
		}
		if (bad)
			continue;
		row_t row = {.line = line, .active = -1};
		row.code = v[C_CODE];
		if (!units_valid_code(row.code)) {
			add_error(
			        c, line,
			        "mã đơn vị \"%s\" không hợp lệ: cần 1–%d ký tự chữ không dấu, số, "
			        "'-', '_' hoặc '.'.",
			        row.code, MAX_CODE);
			continue;
		}
		/* a name typed in TCVN3/VNI is offered repaired first (its mojibake holds
		 * characters the hygiene below refuses, e.g. the soft hyphen of "Tr­êng") */
		row.name = v[C_NAME];
		if (legacy_name(c, line, &row.name) < 0)
			continue;
		/* the name as stored: NFC, one line, no control, bidi or invisible characters
		 * (text/hygiene.h) */
		const char *why;
		if (text_clean(&c->a, row.name, TEXT_NAME | TEXT_TRIM | TEXT_REQUIRED, MAX_NAME,
		               &row.name, &why) < 0) {
			add_error(c, line,
			          strstr(why, "trống") || strstr(why, "khoảng trắng")
			                  ? "tên đơn vị %s %s; hãy nhập tên."
			          : strstr(why, "giới hạn") ? "tên đơn vị %s %s; hãy viết ngắn lại."
			                                    : "tên đơn vị %s %s; hãy gõ lại tên.",
			          row.code, why);
			continue;
		}
		if (registry) {
			row.kind = NULL;
			for (size_t k = 0; k < sizeof registry_types / sizeof registry_types[0];
			     k++)
				if (strcmp(v[C_TYPE], registry_types[k].type) == 0)
					row.kind = registry_types[k].kind;
			if (!row.kind) {
				add_error(c, line,
				          "loại \"%s\" không có trong danh mục hành chính (Tỉnh, "
				          "Thành "
				          "phố Trung ương, Huyện, Quận, Thị xã, Thành phố, Xã, "
				          "Phường, "
				          "Thị trấn, Đặc khu).",
				          v[C_TYPE]);
				continue;
			}
			if (v[C_LEVEL] && strcmp(v[C_LEVEL], "1") && strcmp(v[C_LEVEL], "2") &&
			    strcmp(v[C_LEVEL], "3")) {
				add_error(c, line, "cấp (level) \"%s\" phải là 1, 2 hoặc 3.",
				          v[C_LEVEL]);
				continue;
			}
			row.locality = row.code; /* a registry row is its own locality */
		} else {
			row.kind = v[C_KIND];
			if (!strmap_get(&c->kinds, row.kind, strlen(row.kind), NULL)) {
				add_error(c, line,
				          "loại đơn vị \"%s\" không tồn tại; xem danh sách loại "
				          "trong "
				          "docs/units-csv.md.",
				          row.kind);
				continue;
			}
			row.locality = v[C_LOCALITY];
		}
		row.parent = v[C_PARENT] && *v[C_PARENT] ? v[C_PARENT] : "VN";
		if (strcmp(row.code, "VN") == 0) {
			add_error(c, line,
			          "mã VN dành cho đơn vị gốc (cả nước); hãy dùng mã khác.");
			continue;
		}
		if (strcmp(row.parent, row.code) == 0) {
			add_error(c, line, "đơn vị %s không thể là cấp trên của chính nó.",
			          row.code);
			continue;
		}
		row.email = v[C_EMAIL];
		if (row.email && *row.email && !valid_email(row.email)) {
			add_error(c, line,
			          "thư điện tử \"%s\" không hợp lệ (ví dụ: ten@donvi.edu.vn).",
			          row.email);
			continue;
		}
		row.phone = v[C_PHONE];
		if (row.phone && *row.phone && !valid_phone(row.phone)) {
			add_error(c, line,
			          "số điện thoại \"%s\" không hợp lệ: chỉ gồm 6–15 chữ số và + . - "
			          "( ).",
			          row.phone);
			continue;
		}
		if (row.locality && *row.locality && !units_valid_code(row.locality)) {
			add_error(c, line, "mã địa bàn \"%s\" không hợp lệ.", row.locality);
			continue;
		}
		if (v[C_ACTIVE]) {
			const char *a = v[C_ACTIVE];
			if (!*a || !strcmp(a, "1") || !strcmp(a, "có"))
				row.active = 1;
			else if (!strcmp(a, "0") || !strcmp(a, "không"))
				row.active = 0;
			else {
				add_error(c, line, "cột active \"%s\" phải là 1 hoặc 0.", a);
				continue;
			}
		}
		int64_t prev;
		if (strmap_get(row_by_code, row.code, strlen(row.code), &prev)) {
			add_error(c, line, "mã đơn vị \"%s\" trùng với dòng %zu.", row.code,
			          (*rows)[prev].line);
			continue;
		}
		if (*nrows == caprows) {
			caprows = caprows ? caprows * 2 : 1024;
			*rows = xrealloc(*rows, size_mul(caprows, sizeof **rows));
		}
		(*rows)[*nrows] = row;
		strmap_put(row_by_code, row.code, strlen(row.code), (int64_t)*nrows);
		(*nrows)++;
	}
	if (rc < 0)
		add_error(c, 0, "%s", r->err);
	return c->nerr ? -1 : 0;
}

/* The errors collected in c, then how many more and that nothing was written, into err. */
static void
finish_errors(ctx_t *c, char *err, size_t errlen)
{
	if (c->nerr > MAX_ERRORS)
		buf_printf(&c->err, "\n… và %d lỗi khác. Không có dữ liệu nào được ghi.",
		           c->nerr - MAX_ERRORS);
	else
		buf_puts(&c->err, "\nKhông có dữ liệu nào được ghi.");
	snprintf(err, errlen, "%s", buf_cstr(&c->err));
}

int
units_registry_parse(const char *data, size_t len, arena_t *a, units_registry_row_t **out,
                     size_t *nout, char *err, size_t errlen)
{
	ctx_t c = {.a = ARENA_INIT};
	csv_reader_t r;
	row_t *rows = NULL;
	size_t nrows = 0;
	strmap_t row_by_code = STRMAP_INIT;
	int ret = -1;
	buf_t conv = BUF_INIT;
	*out = NULL;
	*nout = 0;
	legacy_file(&c, &data, &len, &conv);
	csv_init(&r, data, len);
	if (parse_rows(&c, &r, 1, &rows, &nrows, &row_by_code) == 0) {
		units_registry_row_t *o = arena_alloc(a, (nrows ? nrows : 1) * sizeof *o);
		for (size_t i = 0; i < nrows; i++)
			o[i] = (units_registry_row_t){
			        .line = rows[i].line,
			        .code = arena_strdup(a, rows[i].code),
			        .name = arena_strdup(a, rows[i].name),
			        .kind = rows[i].kind, /* static strings of registry_types */
			        .parent_code = arena_strdup(a, rows[i].parent),
			};
		*out = o;
		*nout = nrows;
		ret = 0;
	} else {
		finish_errors(&c, err, errlen);
	}
	free(rows);
	strmap_free(&row_by_code);
	buf_free(&c.err);
	buf_free(&conv);
	csv_free(&r);
	arena_free(&c.a);
	return ret;
}

/* The changes and their "units.import" audit entry (at the root, by the command line, with
 * the counts) in one transaction. 0, or -1 with err and nothing written. */
static int
import_changes(store_t *st, ctx_t *c, const store_unit_change_t *changes, size_t nch,
               const units_import_stats_t *stats, char *err, size_t errlen)
{
	int64_t k, root_id = 0;
	if (strmap_get(&c->ex_by_code, "VN", 2, &k))
		root_id = c->ex[k].id;
	char summary[160];
	snprintf(summary, sizeof summary, "thêm mới %zu, cập nhật %zu, không đổi %zu",
	         stats->inserted, stats->updated, stats->unchanged);
	store_audit_t ae = {.at = (int64_t)time(NULL),
	                    .actor_name = "(dòng lệnh)",
	                    .unit_id = root_id,
	                    .unit_path = "/VN/",
	                    .action = "units.import",
	                    .target = "",
	                    .old_value = "",
	                    .new_value = summary,
	                    .ip = ""};
	if (store_tx_begin(st) < 0) {
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu khi bắt đầu ghi; hãy thử lại.");
		return -1;
	}
	if (store_units_apply(st, changes, nch, err, errlen) < 0) {
		store_tx_rollback(st);
		return -1;
	}
	if (store_audit_append(st, &ae) < 0) {
		store_tx_rollback(st);
		snprintf(err, errlen, "Không ghi được nhật ký của lần nhập; hãy thử lại.");
		return -1;
	}
	if (store_tx_commit(st) < 0) {
		snprintf(err, errlen, "Lỗi cơ sở dữ liệu khi ghi; hãy thử lại.");
		return -1;
	}
	return 0;
}

int
units_import_csv(store_t *st, const char *data, size_t len, units_import_stats_t *stats, char *err,
                 size_t errlen)
{
	return units_import_csv_ex(st, data, len, 0, stats, err, errlen);
}

int
units_import_csv_ex(store_t *st, const char *data, size_t len, int flags,
                    units_import_stats_t *stats, char *err, size_t errlen)
{
	ctx_t c = {.a = ARENA_INIT, .repair_legacy = (flags & UNITS_IMPORT_REPAIR_LEGACY) != 0};
	buf_t conv = BUF_INIT;
	csv_reader_t r;
	row_t *rows = NULL;
	size_t nrows = 0;
	strmap_t row_by_code = STRMAP_INIT;
	store_unit_change_t *changes = NULL;
	int ret = -1;
	memset(stats, 0, sizeof *stats);
	legacy_file(&c, &data, &len, &conv);
	csv_init(&r, data, len);

	if (store_kinds_each(st, load_kind, &c) != 0 ||
	    store_units_each(st, load_existing, &c) != 0) {
		add_error(&c, 0, "Không đọc được danh mục đơn vị hiện có.");
		goto done;
	}
	index_existing(&c);
	{
		/* parent codes of stored units, by id (ids are ascending) */
		for (size_t k = 0; k < c.nex; k++) {
			int64_t pid = c.ex[k].parent_id;
			size_t lo = 0, hi = c.nex;
			while (lo < hi) {
				size_t mid = (lo + hi) / 2;
				if (c.ex[mid].id < pid)
					lo = mid + 1;
				else
					hi = mid;
			}
			c.ex[k].parent_code =
			        lo < c.nex && c.ex[lo].id == pid ? c.ex[lo].code : NULL;
		}
	}

	if (parse_rows(&c, &r, 0, &rows, &nrows, &row_by_code) < 0)
		goto done;

	for (size_t i = 0; i < nrows; i++) {
		const char *p = rows[i].parent;
		if (!strmap_get(&row_by_code, p, strlen(p), NULL) &&
		    !strmap_get(&c.ex_by_code, p, strlen(p), NULL))
			add_error(
			        &c, rows[i].line,
			        "không tìm thấy đơn vị cấp trên có mã \"%s\" (trong tệp hay trong "
			        "hệ thống).",
			        p);
	}
	if (c.nerr)
		goto done;
	/* Closed units are history: an undated file neither edits them nor puts a unit
	 * under one (a body still under a closed locality may stay where it is). A
	 * locality's name, kind and parent are what past campaigns were reported on: they
	 * change only with a date (units_registry_import). */
	for (size_t i = 0; i < nrows; i++) {
		row_t *w = &rows[i];
		int64_t k, pk;
		const existing_t *e = NULL, *pe = NULL;
		if (strmap_get(&c.ex_by_code, w->code, strlen(w->code), &k))
			e = &c.ex[k];
		if (strmap_get(&c.ex_by_code, w->parent, strlen(w->parent), &pk))
			pe = &c.ex[pk];
		if (e && e->valid_to != STORE_DAY_OPEN) {
			add_error(&c, w->line,
			          "đơn vị %s (%s) đã đóng từ ngày %s; đơn vị đã đóng không sửa "
			          "được bằng tệp — mã mới dùng lại mã này phải được nhập kèm ngày "
			          "hiệu lực (suotdoi units import --as-of).",
			          w->code, e->name, text_date_str(&c.a, e->valid_to + 1));
			continue;
		}
		if (pe && pe->valid_to != STORE_DAY_OPEN &&
		    !(e && e->parent_code && !strcmp(e->parent_code, w->parent))) {
			add_error(&c, w->line,
			          "đơn vị cấp trên %s (%s) đã đóng từ ngày %s; hãy chọn đơn vị cấp "
			          "trên đang hoạt động.",
			          w->parent, pe->name, text_date_str(&c.a, pe->valid_to + 1));
			continue;
		}
		if (e && e->is_locality &&
		    (strcmp(e->name, w->name) || strcmp(e->kind, w->kind) || !e->parent_code ||
		     strcmp(e->parent_code, w->parent))) {
			add_error(
			        &c, w->line,
			        "đơn vị hành chính %s (%s) đổi tên, loại hay cấp trên thì các đợt "
			        "đã báo cáo theo cây cũ sẽ bị viết lại. Hãy nhập danh mục mới kèm "
			        "ngày hiệu lực và bảng sáp nhập (suotdoi units import TỆP --as-of "
			        "NGÀY --merges BẢNG.csv, hoặc trang Quản trị > Danh mục đơn vị).",
			        w->code, e->name);
			continue;
		}
	}
	if (c.nerr)
		goto done;
	size_t cyc_line = 0;
	if (has_cycle(&c, rows, nrows, &row_by_code, &cyc_line)) {
		add_error(&c, cyc_line,
		          "quan hệ cấp trên tạo thành vòng lặp (một đơn vị nằm dưới chính nó); hãy "
		          "sửa cột parent_code.");
		goto done;
	}

	/* Only what differs from the store is written: a second import is a no-op. */
	changes = xcalloc(nrows ? nrows : 1, sizeof *changes);
	size_t nch = 0;
	for (size_t i = 0; i < nrows; i++) {
		row_t *w = &rows[i];
		int64_t k;
		store_unit_change_t ch = {
		        .code = w->code,
		        .name = w->name,
		        .kind = w->kind,
		        .parent_code = w->parent,
		};
		if (strmap_get(&c.ex_by_code, w->code, strlen(w->code), &k)) {
			existing_t *e = &c.ex[k];
			ch.id = e->id;
			ch.locality_code = str_or(w->locality, e->locality);
			ch.email = str_or(w->email, e->email);
			ch.phone = str_or(w->phone, e->phone);
			ch.active = w->active >= 0 ? w->active : e->active;
			int same = !strcmp(e->name, ch.name) && !strcmp(e->kind, ch.kind) &&
			           !strcmp(e->locality, ch.locality_code) &&
			           !strcmp(e->email, ch.email) && !strcmp(e->phone, ch.phone) &&
			           e->active == ch.active && e->parent_code &&
			           !strcmp(e->parent_code, ch.parent_code);
			if (same) {
				stats->unchanged++;
				continue;
			}
			/* an unchanged parent is left alone (it may be a closed holder) */
			if (e->parent_code && !strcmp(e->parent_code, ch.parent_code))
				ch.parent_code = NULL;
			stats->updated++;
		} else {
			ch.locality_code = str_or(w->locality, "");
			ch.email = str_or(w->email, "");
			ch.phone = str_or(w->phone, "");
			ch.active = w->active >= 0 ? w->active : 1;
			/* a new unit exists since its nearest stored ancestor does */
			const char *p = w->parent;
			for (;;) {
				int64_t pk, pr;
				if (strmap_get(&c.ex_by_code, p, strlen(p), &pk)) {
					ch.valid_from = c.ex[pk].valid_from;
					break;
				}
				if (!strmap_get(&row_by_code, p, strlen(p), &pr))
					break;
				p = rows[pr].parent;
			}
			stats->inserted++;
		}
		changes[nch++] = ch;
	}
	stats->rows = nrows;
	stats->repaired = c.repaired;
	char serr[512];
	if (nch > 0 && import_changes(st, &c, changes, nch, stats, serr, sizeof serr) < 0) {
		add_error(&c, 0, "%s", serr);
		stats->inserted = stats->updated = stats->unchanged = 0;
		goto done;
	}
	ret = 0;
done:
	if (ret < 0)
		finish_errors(&c, err, errlen);
	free(changes);
	free(rows);
	free(c.ex);
	strmap_free(&row_by_code);
	strmap_free(&c.ex_by_code);
	strmap_free(&c.kinds);
	buf_free(&c.err);
	buf_free(&conv);
	csv_free(&r);
	arena_free(&c.a);
	return ret;
}
