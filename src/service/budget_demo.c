/* Demo budget of Hải Phòng's Week in quận Hải An: the district's own lines (leaflets,
 * banners, the opening), phường Cát Bi and Đằng Hải and two of Cát Bi's schools, as typed
 * on their forms. Nothing in phường Đằng Lâm: its schools enter their own in the tests.
 * Written through the service, so they pass its checks and leave audit lines. */
#include <stdio.h>
#include <string.h>

#include "service/budget.h"

static const struct {
	const char *unit, *source, *purpose;
	const char *planned, *approved, *spent;
} lines[] = {
        {"306", "nsnn", "tuyen_truyen", "45.000.000", "40.000.000", "38.500.000"},
        {"306", "nsnn", "lop_hoc", "30.000.000", "30.000.000", "27.200.000"},
        {"306", "nsnn", "khen_thuong", "20.000.000", "15.000.000", NULL},
        {"306", "xhh", "khen_thuong", "10.000.000", "10.000.000", NULL},
        {"11422", "nsnn", "tuyen_truyen", "8.000.000", "6.000.000", "5.750.000"},
        {"11422", "xhh", "lop_hoc", "12.000.000", "12.000.000", "9.600.000"},
        {"11416", "nsnn", "tuyen_truyen", "5.000.000", "5.000.000", "4.200.000"},
        {"11416", "khac", "khac", "2.000.000", "1.500.000", "1.500.000"},
        {"HA-11422-TH", "nsnn", "lop_hoc", "6.500.000", "6.000.000", "5.900.000"},
        {"HA-11422-TH", "xhh", "tuyen_truyen", "3.000.000", "3.000.000", "2.400.000"},
        {"HA-11422-THCS", "xhh", "lop_hoc", "7.000.000", "5.000.000", "4.100.000"},
        {"HA-11422-THCS", "nsnn", "khen_thuong", "2.000.000", "2.000.000", NULL},
};
#define NLINES (sizeof lines / sizeof lines[0])

int
demo_budget(store_t *st, const unit_tree_t *t, int64_t campaign_id)
{
	if (campaign_id <= 0)
		return 0;
	arena_t a = {0};
	/* the first day after the Week of 2022 */
	bud_ctx_t cx = {st, t, &a, 1666224000, 0, "", ""};
	bud_scope_t s;
	int rc = 0;
	if (bud_scope_load(&cx, campaign_id, &s) != BUD_OK) {
		fprintf(stderr, "demo budget: could not read the campaign\n");
		arena_free(&a);
		return -1;
	}
	int32_t hp = unit_tree_find_code(t, "306");
	bud_view_t v;
	if (hp < 0 || bud_read(&cx, &s, hp, 0, &v) != BUD_OK) {
		fprintf(stderr, "demo budget: could not read quận Hải An\n");
		arena_free(&a);
		return -1;
	}
	if (bud_cells_any(&v.total)) { /* there already */
		arena_free(&a);
		return 0;
	}
	for (size_t k = 0; rc == 0 && k < NLINES; k++) {
		if (k && !strcmp(lines[k].unit, lines[k - 1].unit))
			continue;
		int32_t u = unit_tree_find_code(t, lines[k].unit);
		if (u < 0)
			continue; /* not in this registry */
		bud_input_t in;
		memset(&in, 0, sizeof in);
		for (size_t j = k; j < NLINES && !strcmp(lines[j].unit, lines[k].unit); j++) {
			int x = bud_find(bud_sources, BUD_NSRC, lines[j].source);
			int p = bud_find(bud_purposes, BUD_NPUR, lines[j].purpose);
			const char *v3[BUD_NKIND] = {lines[j].planned, lines[j].approved,
			                             lines[j].spent};
			for (int q = 0; q < BUD_NKIND; q++)
				if (v3[q])
					in.c[x][p][q] = (bud_cell_in_t){1, v3[q], 0};
		}
		int64_t ver;
		bud_errors_t e;
		const char *msg;
		if (bud_save(&cx, &s, u, &in, &ver, &e, &msg) != BUD_OK) {
			fprintf(stderr, "demo budget: %s: %s\n", lines[k].unit, msg);
			rc = -1;
		}
	}
	arena_free(&a);
	return rc;
}
