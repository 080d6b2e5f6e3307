/* Decided awards in the results form: see award_totals.h. */
#include "service/award_totals.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/mem.h"

const char *
awd_kind(const award_catalog_t *cat, const char *category)
{
	const award_category_t *c = award_category_find(cat, category);
	return c ? c->kind : NULL;
}

/* Saturating: the sum of many awards must not wrap. */
static int64_t
add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

int
awd_template_add(const template_t *tpl, const award_catalog_t *cat, const char *category,
                 int64_t amount, int64_t *vals, unsigned char *has)
{
	const char *kind = awd_kind(cat, category);
	int fed = 0;
	for (size_t s = 0; kind && s < tpl->nsections; s++)
		for (size_t i = 0; i < tpl->sections[s].nitems; i++) {
			const tpl_item_t *it = &tpl->sections[s].items[i];
			if (it->from == NULL || it->col < 0)
				continue;
			size_t k = 0;
			while (k < it->from->nkinds && strcmp(it->from->kinds[k], kind) != 0)
				k++;
			if (k == it->from->nkinds)
				continue;
			int64_t add = it->from->measure == TPL_MEASURE_COUNT ? 1 : amount;
			vals[it->col] = add_sat(vals[it->col], add < 0 ? 0 : add);
			has[it->col] = 1;
			fed = 1;
		}
	return fed;
}

typedef struct rows {
	const award_catalog_t *cat;
	const template_t *tpl;
	const unit_tree_t *t;
	void (*fn)(void *, int32_t, const int64_t *, const unsigned char *);
	void *arg;
	int64_t cur;  /* the decider being summed; 0 none */
	int32_t unit; /* its index when a locality, else -1 */
	int fed;
	int64_t *vals;
	unsigned char *has;
} rows_t;

static void
flush(rows_t *r)
{
	size_t nc = r->tpl->ncols ? r->tpl->ncols : 1;
	if (r->cur && r->unit >= 0 && r->fed)
		r->fn(r->arg, r->unit, r->vals, r->has);
	memset(r->vals, 0, nc * sizeof *r->vals);
	memset(r->has, 0, nc);
	r->fed = 0;
}

static int
row(const store_decided_award_t *a, void *p)
{
	rows_t *r = p;
	if (a->decider_unit_id != r->cur) {
		flush(r);
		r->cur = a->decider_unit_id;
		int32_t i = unit_tree_find_id(r->t, a->decider_unit_id);
		r->unit = i >= 0 && r->t->units[i].is_locality ? i : -1;
	}
	if (r->unit >= 0)
		r->fed |= awd_template_add(r->tpl, r->cat, a->category, a->amount, r->vals, r->has);
	return 0;
}

int
awd_level_rows(store_t *st, const award_catalog_t *cat, const template_t *tpl, const unit_tree_t *t,
               const int64_t *ids, size_t n, int64_t unit_id,
               void (*fn)(void *arg, int32_t unit, const int64_t *vals, const unsigned char *has),
               void *arg)
{
	if (cat == NULL || tpl == NULL || t == NULL || n == 0)
		return 0;
	size_t nc = tpl->ncols ? tpl->ncols : 1;
	rows_t r = {cat, tpl, t, fn, arg, 0, -1, 0, xcalloc(nc, sizeof *r.vals), xcalloc(nc, 1)};
	store_decided_query_t q = {.campaigns = ids, .ncampaigns = n, .decider_id = unit_id};
	int rc = store_decided_awards(st, &q, row, &r);
	if (rc == 0)
		flush(&r);
	else
		log_error("awards: could not read the decided awards of campaign %lld",
		          (long long)ids[0]);
	free(r.vals);
	free(r.has);
	return rc < 0 ? -1 : 0;
}
