/* libFuzzer driver for the merge map parser and the dated registry import: arbitrary bytes
 * as a merge map (or, split at the first form feed, as a registry file then a merge map)
 * against an in-memory store holding a small tree with bodies (opened once; each input runs
 * in a transaction rolled back at its end, so every input sees the same store). Checks: the
 * parser's rows are well formed; a refused plan writes nothing; an accepted plan applies, the trees
 * of the eve and of the date build with every unit under the root, and planning the same
 * files again finds nothing to do (idempotence); the same bytes as a placement CSV write
 * nothing when refused and leave well-formed trees when accepted. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/log.h"
#include "db/store.h"
#include "domain/units.h"
#include "service/merges.h"
#include "service/registry.h"

static const char base[] = "code,name,type,level,parent_code\n"
                           "31,Thành phố Hải Phòng,Thành phố Trung ương,1,\n"
                           "30,Tỉnh Hải Dương,Tỉnh,1,\n"
                           "315,Huyện Tiên Lãng,Huyện,2,31\n"
                           "11755,Thị trấn Tiên Lãng,Thị trấn,3,315\n"
                           "11770,Xã Quyết Tiến,Xã,3,315\n"
                           "306,Quận Hải An,Quận,2,31\n"
                           "11413,Phường Đằng Lâm,Phường,3,306\n"
                           "11419,Phường Nam Hải,Phường,3,306\n"
                           "288,Thành phố Hải Dương,Thành phố,2,30\n"
                           "10507,Phường Trần Phú,Phường,3,288\n";
static const char bodies[] = "code,name,kind,parent_code,locality_code\n"
                             "HP-SGDDT,Sở GD&ĐT Hải Phòng,so_gddt,31,31\n"
                             "TL-PGDDT,Phòng GD&ĐT Tiên Lãng,phong_gddt,315,315\n"
                             "TL-TH,Trường Tiểu học Tiên Lãng,truong_th,11755,11755\n"
                             "TL-TH-TV,Thư viện trường,thu_vien,TL-TH,11755\n"
                             "HA-TH,Trường Tiểu học Nam Hải,truong_th,11419,11419\n";
/* the registry of the date when the input is a merge map alone */
static const char after[] = "code,name,type,level,parent_code\n"
                            "31,Thành phố Hải Phòng,Thành phố Trung ương,1,\n"
                            "11755,Xã Tiên Lãng,Xã,2,31\n"
                            "11413,Phường Hải An,Phường,2,31\n"
                            "11411,Phường Đông Hải,Phường,2,31\n"
                            "10507,Phường Hải Dương,Phường,2,31\n";

static void
check_tree(store_t *st, int32_t day)
{
	char err[512];
	unit_tree_t *t;
	if (unit_tree_build_at(st, day, &t, err, sizeof err) < 0)
		abort();
	for (int32_t i = 1; i < t->n; i++)
		if (t->units[i].parent < 0 || !unit_tree_contains(t, t->units[i].parent, i))
			abort();
	unit_tree_unref(t);
}

static int64_t base_gen; /* store_units_generation of the base store */

static store_t *
base_store(void)
{
	static store_t *st;
	if (st == NULL) {
		char err[8192];
		log_set_level(3);
		units_import_stats_t s;
		if (store_open(":memory:", &st, err, sizeof err) < 0 ||
		    units_import_csv(st, base, sizeof base - 1, &s, err, sizeof err) < 0 ||
		    units_import_csv(st, bodies, sizeof bodies - 1, &s, err, sizeof err) < 0)
			abort();
		base_gen = store_units_generation(st);
	}
	return st;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 16384)
		return 0;
	const char *in = (const char *)data;
	const char *ff = memchr(in, '\f', size);
	const char *units = ff ? in : after;
	size_t ulen = ff ? (size_t)(ff - in) : sizeof after - 1;
	const char *map = ff ? ff + 1 : in;
	size_t mlen = ff ? size - ulen - 1 : size;

	/* the parser alone */
	arena_t a = ARENA_INIT;
	merge_map_t mm;
	reg_errors_t e = {BUF_INIT, 0};
	if (merges_parse(map, mlen, &a, &mm, &e) == 0) {
		if (mm.nrows == 0 || e.n)
			abort();
		for (size_t k = 0; k < mm.nrows; k++)
			if (!units_valid_code(mm.rows[k].new_code) ||
			    !units_valid_code(mm.rows[k].old_code) || mm.rows[k].line < 2)
				abort();
	} else if (e.n == 0) {
		abort();
	}
	reg_errors_free(&e);
	arena_free(&a);

	/* the plan on a small store */
	char err[8192];
	store_t *st = base_store();
	if (store_tx_begin(st) < 0)
		abort();
	const int32_t day = 20270; /* 01/07/2025 */
	int64_t gen = store_units_generation(st);
	if (gen != base_gen)
		abort(); /* the previous input's changes were not rolled back */
	registry_plan_t p;
	if (registry_plan(st, units, ulen, map, mlen, day, &p, err, sizeof err) < 0) {
		if (store_units_generation(st) != gen || p.priv != NULL)
			abort();
		store_tx_rollback(st);
		return 0;
	}
	if (registry_apply(st, &p, 0, "fuzz", err, sizeof err) < 0)
		abort(); /* a plan made on this store must apply */
	registry_plan_free(&p);
	check_tree(st, day - 1);
	check_tree(st, day);
	gen = store_units_generation(st);
	if (registry_plan(st, units, ulen, map, mlen, day, &p, err, sizeof err) < 0)
		abort(); /* what went in once goes in again */
	if (!p.nothing_to_do)
		abort();
	registry_plan_free(&p);
	if (store_units_generation(st) != gen)
		abort();
	/* the same bytes as a placement CSV (code,parent_code) for the bodies left waiting:
	 * refused = nothing written; accepted = the trees still build */
	registry_place_stats_t ps;
	if (registry_place_csv(st, map, mlen, 0, &ps, err, sizeof err) < 0) {
		if (store_units_generation(st) != gen)
			abort();
	} else {
		check_tree(st, day - 1);
		check_tree(st, day);
	}
	store_tx_rollback(st);
	return 0;
}
