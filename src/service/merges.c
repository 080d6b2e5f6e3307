/* See merges.h. */
#include "service/merges.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/strmap.h"
#include "csv/csv.h"
#include "domain/units.h"
#include "text/text.h"


void
reg_error(reg_errors_t *e, const char *where, size_t line, const char *fmt, ...)
{
	if (e->n++ >= REG_MAX_ERRORS)
		return;
	if (e->buf.len)
		buf_putc(&e->buf, '\n');
	if (line)
		buf_printf(&e->buf, "%s %zu: ", where, line);
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&e->buf, fmt, ap);
	va_end(ap);
}

void
reg_errors_finish(reg_errors_t *e, char *err, size_t errlen)
{
	if (e->buf.len)
		buf_putc(&e->buf, '\n');
	if (e->n > REG_MAX_ERRORS)
		buf_printf(&e->buf, "… và %d lỗi khác. ", e->n - REG_MAX_ERRORS);
	buf_puts(&e->buf, "Không có dữ liệu nào được ghi.");
	snprintf(err, errlen, "%s", buf_cstr(&e->buf));
	reg_errors_free(e);
}

void
reg_errors_free(reg_errors_t *e)
{
	buf_free(&e->buf);
	e->n = 0;
}


enum { M_NEW, M_NEW_NAME, M_OLD, M_OLD_NAME, M_KIND, M_NCOLS };
static const char *const mcol_names[M_NCOLS] = {"new_code", "new_name", "old_code", "old_name",
                                                "kind"};

/* s without surrounding blanks, in NFC, in the arena. */
static char *
clean(arena_t *a, const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	buf_t b = BUF_INIT;
	text_nfc(s, n, &b);
	char *r = arena_strndup(a, buf_cstr(&b), b.len);
	buf_free(&b);
	return r;
}

/* 1 full, 0 partial, -1 neither. */
static int
parse_kind(const char *k)
{
	char low[32];
	size_t n = strlen(k);
	if (n >= sizeof low)
		return -1;
	for (size_t i = 0; i <= n; i++)
		low[i] = (char)tolower((unsigned char)k[i]);
	if (!strcmp(low, "full") || !strcmp(low, "toàn bộ"))
		return 1;
	if (!strcmp(low, "partial") || !strcmp(low, "một phần"))
		return 0;
	return -1;
}

/* ---- cycles: strongly connected components of the code graph, iteratively ---- */

typedef struct graph {
	size_t nnodes;
	size_t *first; /* edges of node v: to[first[v] .. first[v+1]) */
	int32_t *to;
	size_t *row; /* the merge row of each edge */
} graph_t;

/* Tarjan's algorithm without recursion (a map may chain thousands of codes). comp[v]
 * gets v's component number. */
static void
sccs(const graph_t *g, int32_t *comp)
{
	size_t n = g->nnodes;
	int32_t *index = xmalloc(size_mul(n + 1, sizeof *index));
	int32_t *low = xmalloc(size_mul(n + 1, sizeof *low));
	unsigned char *on = xcalloc(n + 1, 1);
	int32_t *stack = xmalloc(size_mul(n + 1, sizeof *stack));
	int32_t *cs = xmalloc(size_mul(n + 1, sizeof *cs)); /* call stack: node */
	size_t *ce = xmalloc(size_mul(n + 1, sizeof *ce));  /* ... and its next edge */
	size_t sp = 0, csp = 0;
	int32_t next = 0, ncomp = 0;
	for (size_t v = 0; v < n; v++)
		index[v] = -1;
	for (size_t s = 0; s < n; s++) {
		if (index[s] >= 0)
			continue;
		cs[csp] = (int32_t)s;
		ce[csp++] = g->first[s];
		index[s] = low[s] = next++;
		stack[sp++] = (int32_t)s;
		on[s] = 1;
		while (csp) {
			int32_t v = cs[csp - 1];
			if (ce[csp - 1] < g->first[v + 1]) {
				int32_t w = g->to[ce[csp - 1]++];
				if (index[w] < 0) {
					index[w] = low[w] = next++;
					stack[sp++] = w;
					on[w] = 1;
					cs[csp] = w;
					ce[csp++] = g->first[w];
				} else if (on[w] && index[w] < low[v]) {
					low[v] = index[w];
				}
				continue;
			}
			if (low[v] == index[v]) {
				int32_t w;
				do {
					w = stack[--sp];
					on[w] = 0;
					comp[w] = ncomp;
				} while (w != v);
				ncomp++;
			}
			csp--;
			if (csp && low[v] < low[cs[csp - 1]])
				low[cs[csp - 1]] = low[v];
		}
	}
	free(index);
	free(low);
	free(on);
	free(stack);
	free(cs);
	free(ce);
}

/* The codes of a path from node from to node to inside component c (breadth first), as
 * "A ← B ← C" (at most 8 codes, then "…"), appended to out. */
static void
cycle_path(const graph_t *g, const int32_t *comp, const char *const *codes, int32_t from,
           int32_t to, buf_t *out)
{
	size_t n = g->nnodes;
	int32_t *prev = xmalloc(size_mul(n + 1, sizeof *prev));
	int32_t *queue = xmalloc(size_mul(n + 1, sizeof *queue));
	for (size_t v = 0; v < n; v++)
		prev[v] = -2;
	size_t qh = 0, qt = 0;
	queue[qt++] = from;
	prev[from] = -1;
	while (qh < qt && prev[to] == -2) {
		int32_t v = queue[qh++];
		for (size_t k = g->first[v]; k < g->first[v + 1]; k++) {
			int32_t w = g->to[k];
			if (prev[w] == -2 && comp[w] == comp[from]) {
				prev[w] = v;
				queue[qt++] = w;
			}
		}
	}
	/* prev leads back from to to from: reversed, it is the chain from ← … ← to, and the
	 * row (to formed from from) closes the cycle */
	size_t np = 0;
	for (int32_t v = to; v >= 0; v = prev[v])
		queue[np++] = v; /* the queue is done with: reuse it for the path */
	for (size_t k = 0; k < np; k++) {
		if (k == 8 && np > 9) {
			buf_puts(out, " ← …");
			k = np - 1;
		}
		buf_printf(out, "%s%s", k ? " ← " : "", codes[queue[np - 1 - k]]);
	}
	buf_printf(out, " ← %s", codes[from]);
	free(prev);
	free(queue);
}

/* Refuse a cycle of lineage among distinct codes that has a full row on it: with X
 * formed wholly from old Y, the new unit coded Y (formed, on the cycle, from another old
 * unit) holds nothing of old Y, so a code was handed to another place: a map error (two
 * columns swapped, a wrong code). Cycles of partial rows only are accepted: they are
 * neighbours exchanging territory while both keep their codes, which the 2025 map does
 * (e.g. 00091 and 00103 in Hà Nội, 14 such groups). Self rows (X from X) are no edges. */
static void
check_cycles(const merge_map_t *m, reg_errors_t *e)
{
	strmap_t idx = STRMAP_INIT;
	size_t n = 0;
	const char **codes = xmalloc(size_mul(2 * m->nrows + 1, sizeof *codes));
	int32_t *enew = xmalloc(size_mul(m->nrows + 1, sizeof *enew));
	int32_t *eold = xmalloc(size_mul(m->nrows + 1, sizeof *eold));
	for (size_t i = 0; i < m->nrows; i++) {
		const char *cc[2] = {m->rows[i].new_code, m->rows[i].old_code};
		int32_t id[2];
		for (int k = 0; k < 2; k++) {
			int64_t v;
			if (!strmap_get(&idx, cc[k], strlen(cc[k]), &v)) {
				v = (int64_t)n;
				codes[n++] = cc[k];
				strmap_put(&idx, cc[k], strlen(cc[k]), v);
			}
			id[k] = (int32_t)v;
		}
		enew[i] = id[0];
		eold[i] = id[1];
	}
	graph_t g = {.nnodes = n};
	g.first = xcalloc(n + 2, sizeof *g.first);
	g.to = xmalloc(size_mul(m->nrows + 1, sizeof *g.to));
	g.row = xmalloc(size_mul(m->nrows + 1, sizeof *g.row));
	for (size_t i = 0; i < m->nrows; i++)
		if (enew[i] != eold[i])
			g.first[enew[i] + 1]++;
	for (size_t v = 0; v < n; v++)
		g.first[v + 1] += g.first[v];
	size_t *fill = xmalloc(size_mul(n + 1, sizeof *fill));
	memcpy(fill, g.first, n * sizeof *fill);
	for (size_t i = 0; i < m->nrows; i++)
		if (enew[i] != eold[i]) {
			g.to[fill[enew[i]]] = eold[i];
			g.row[fill[enew[i]]++] = i;
		}
	int32_t *comp = xmalloc(size_mul(n + 1, sizeof *comp));
	sccs(&g, comp);
	unsigned char *told = xcalloc(n + 1, 1); /* one error per component */
	for (size_t i = 0; i < m->nrows; i++) {
		const merge_row_t *r = &m->rows[i];
		if (!r->full || enew[i] == eold[i] || comp[enew[i]] != comp[eold[i]] ||
		    told[comp[enew[i]]])
			continue;
		told[comp[enew[i]]] = 1;
		buf_t path = BUF_INIT;
		cycle_path(&g, comp, codes, eold[i], enew[i], &path);
		reg_error(e, MERGES_WHERE, r->line,
		          "quan hệ kế thừa tạo thành vòng (%s): đơn vị %s được lập từ toàn bộ đơn "
		          "vị cũ %s, nhưng mã %s lại dùng cho một đơn vị mới lập từ nơi khác trong "
		          "vòng. Hãy kiểm tra mã mới, mã cũ và cột kind của các dòng này.",
		          buf_cstr(&path), r->new_code, r->old_code, r->old_code);
		buf_free(&path);
	}
	free(told);
	free(comp);
	free(fill);
	free(g.first);
	free(g.to);
	free(g.row);
	free(enew);
	free(eold);
	free(codes);
	strmap_free(&idx);
}

int
merges_parse(const char *csv, size_t len, arena_t *a, merge_map_t *out, reg_errors_t *e)
{
	csv_reader_t r;
	int nerr0 = e->n;
	merge_row_t *rows = NULL;
	size_t nrows = 0, cap = 0;
	strmap_t pairs = STRMAP_INIT;  /* "new\x1fold" -> row index */
	strmap_t by_old = STRMAP_INIT; /* old code -> first row index */
	out->rows = NULL;
	out->nrows = 0;
	csv_init(&r, csv, len);
	int rc = csv_next(&r);
	if (rc <= 0) {
		reg_error(e, MERGES_WHERE, rc < 0 ? r.line : 1, "%s",
		          rc < 0 ? r.err
		                 : "bảng sáp nhập trống: dòng đầu phải là tiêu đề cột new_code, "
		                   "new_name, old_code, old_name, kind.");
		goto done;
	}
	int pos[M_NCOLS];
	for (int k = 0; k < M_NCOLS; k++)
		pos[k] = -1;
	size_t ncols = r.nfields;
	for (size_t i = 0; i < ncols; i++) {
		size_t fl;
		const char *f = csv_field(&r, i, &fl);
		char *h = clean(a, f, text_utf8_valid(f, fl) ? fl : 0);
		for (char *p = h; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		int found = -1;
		for (int k = 0; k < M_NCOLS; k++)
			if (!strcmp(h, mcol_names[k]))
				found = k;
		if (found < 0)
			reg_error(e, MERGES_WHERE, 1,
			          "cột \"%s\" không được hỗ trợ. Các cột dùng được: new_code, "
			          "new_name, old_code, old_name, kind.",
			          h);
		else if (pos[found] >= 0)
			reg_error(e, MERGES_WHERE, 1, "cột \"%s\" xuất hiện hai lần.", h);
		else
			pos[found] = (int)i;
	}
	if (pos[M_NEW] < 0 || pos[M_OLD] < 0 || pos[M_KIND] < 0)
		reg_error(e, MERGES_WHERE, 1,
		          "thiếu cột bắt buộc \"new_code\", \"old_code\" hoặc \"kind\".");
	if (e->n > nerr0)
		goto done;
	while ((rc = csv_next(&r)) > 0) {
		size_t line = r.line;
		if (r.nfields != ncols) {
			reg_error(e, MERGES_WHERE, line, "có %zu cột nhưng tiêu đề có %zu cột.",
			          r.nfields, ncols);
			continue;
		}
		const char *v[M_NCOLS] = {"", "", "", "", ""};
		int bad = 0;
		for (int k = 0; k < M_NCOLS && !bad; k++) {
			if (pos[k] < 0)
				continue;
			size_t fl;
			const char *f = csv_field(&r, (size_t)pos[k], &fl);
			if (!text_utf8_valid(f, fl)) {
				reg_error(e, MERGES_WHERE, line,
				          "cột %s không phải văn bản UTF-8 hợp lệ; hãy lưu tệp với "
				          "mã "
				          "hóa UTF-8.",
				          mcol_names[k]);
				bad = 1;
				break;
			}
			v[k] = clean(a, f, fl);
		}
		if (bad)
			continue;
		merge_row_t row = {.line = line,
		                   .new_code = v[M_NEW],
		                   .old_code = v[M_OLD],
		                   .new_name = v[M_NEW_NAME],
		                   .old_name = v[M_OLD_NAME]};
		if (!units_valid_code(row.new_code) || !units_valid_code(row.old_code)) {
			reg_error(e, MERGES_WHERE, line,
			          "mã \"%s\" không hợp lệ: cần 1–%d ký tự chữ không dấu, số, '-', "
			          "'_' hoặc '.'.",
			          units_valid_code(row.new_code) ? row.old_code : row.new_code,
			          UNITS_MAX_CODE);
			continue;
		}
		row.full = parse_kind(v[M_KIND]);
		if (row.full < 0) {
			reg_error(e, MERGES_WHERE, line,
			          "cột kind \"%s\" phải là full (toàn bộ) hoặc partial (một phần).",
			          v[M_KIND]);
			continue;
		}
		char *key = arena_printf(a, "%s\x1f%s", row.new_code, row.old_code);
		int64_t prev;
		if (strmap_get(&pairs, key, strlen(key), &prev)) {
			reg_error(e, MERGES_WHERE, line,
			          "cặp mã mới %s – mã cũ %s trùng với dòng %zu; hãy xóa một dòng.",
			          row.new_code, row.old_code, rows[prev].line);
			continue;
		}
		if (nrows == cap) {
			cap = cap ? cap * 2 : 1024;
			rows = xrealloc(rows, size_mul(cap, sizeof *rows));
		}
		rows[nrows] = row;
		strmap_put(&pairs, key, strlen(key), (int64_t)nrows);
		nrows++;
	}
	if (rc < 0)
		reg_error(e, MERGES_WHERE, r.line, "%s", r.err);
	if (e->n > nerr0)
		goto done;
	if (nrows == 0) {
		reg_error(e, MERGES_WHERE, 2,
		          "bảng sáp nhập không có dòng dữ liệu nào; mỗi đơn vị mới cần ít nhất một "
		          "dòng (mã mới, mã cũ, kind).");
		goto done;
	}
	/* an old unit taken wholly into a new one cannot also go elsewhere */
	for (size_t i = 0; i < nrows; i++) {
		const char *o = rows[i].old_code;
		int64_t first;
		if (!strmap_get(&by_old, o, strlen(o), &first)) {
			strmap_put(&by_old, o, strlen(o), (int64_t)i);
			continue;
		}
		const merge_row_t *f = &rows[first];
		if (f->full || rows[i].full) {
			const merge_row_t *full = f->full ? f : &rows[i];
			const merge_row_t *other = full == f ? &rows[i] : f;
			reg_error(
			        e, MERGES_WHERE, rows[i].line,
			        "đơn vị cũ %s được ghi là nhập toàn bộ (full) vào %s ở dòng %zu "
			        "nhưng cũng có trong %s ở dòng %zu; một đơn vị nhập toàn bộ chỉ có "
			        "một dòng — hãy sửa cột kind thành partial hoặc xóa dòng thừa.",
			        o, full->new_code, full->line, other->new_code, other->line);
		}
	}
	if (e->n > nerr0)
		goto done;
	out->rows = arena_alloc(a, nrows * sizeof *out->rows);
	memcpy(out->rows, rows, nrows * sizeof *rows);
	out->nrows = nrows;
	check_cycles(out, e);
	if (e->n > nerr0) {
		out->rows = NULL;
		out->nrows = 0;
	}
done:
	free(rows);
	strmap_free(&pairs);
	strmap_free(&by_old);
	csv_free(&r);
	return e->n > nerr0 ? -1 : 0;
}
