/* The national-scale dataset generator: the whole administrative registry, the bodies
 * that report under every commune, the default template, one national campaign and
 * plausible reports, for demos at real scale and for benchmarks. Reproducible from a
 * seed. */
#ifndef SUOTDOI_GEN_H
#define SUOTDOI_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"

typedef struct gen_opts {
	unsigned seed;                /* reproducible: same seed, same data */
	int schools_min, schools_max; /* per commune, default 3..5 (0, 0 = default) */
	int submitted_pct, draft_pct; /* of reporting units, default 85 and 8 (rest: none);
	                                 both 0 = default */
	const char *assets;           /* directory holding data/ (registry and template) */
	const char *only_province;    /* a province code ("31"): bodies and reports only there
	                                 (the registry is still imported whole); NULL = all */
	int scale;                    /* N x the national units: the registry plus N-1
	                                 synthetic copies of it (1..100; 0 = 1) */
} gen_opts_t;

typedef struct gen_stats {
	size_t units;     /* registry units imported (the national root VN not counted) */
	size_t bodies;    /* UBND, TTHTCĐ and schools added under communes */
	size_t reports;   /* submitted + drafts */
	size_t submitted; /* status "submitted" */
	size_t drafts;    /* status "draft" */
	int64_t campaign_id;
} gen_stats_t;

/* Fill o with the defaults (seed 1, 3..5 schools, 85% submitted, 8% drafts, the source
 * tree's assets, every province, scale 1). */
void gen_opts_default(gen_opts_t *o /* OUT */);

/* Into an EMPTY store: the 2025-03 national registry (data/dvhc/units-2025-03-01.csv),
 * then per commune a UBND (ubnd_xa), a TTHTCĐ (tthtcd) and schools_min..max schools
 * (truong_mn/th/thcs, "Trường Tiểu học <commune name without its type>"), the default
 * template (data/templates/phuluc-2022.json), one national campaign issued by VN (year
 * 2022, open, expected kinds: the schools and tthtcd, deadlines 10/10/2022) and random
 * reports of the expected units: counts in realistic ranges per item, every template rule
 * respected (each report passes template_check), status submitted/draft per the
 * percentages. Reports are written in transactions of 5,000. Codes: G<commune>-UB,
 * G<commune>-CLC, G<commune>-S1...
 * Scale N > 1 (for search and memory at N times the country): after the registry, N-1
 * synthetic registries of the same shape (provinces, districts, communes and their types
 * as in the real one) coded S<k>.<code>, each place named from syllables drawn from the
 * real place names at their positions ("Tân" first, "Lập" last as often as the registry
 * has them), so word frequencies stay realistic while names vary; numbered wards
 * ("Phường 1") keep their numbers. Their communes get bodies and reports like real ones.
 * Scale 1 makes exactly the dataset it made before scales existed. Returns 0 with *out
 * (may be NULL), or -1 with a Vietnamese message in err (a store that is not empty is refused
 * before any write). */
int gen_national(store_t *st, const gen_opts_t *o, gen_stats_t *out /* OUT */, char *err,
                 size_t errlen);

#endif
