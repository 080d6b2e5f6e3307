/* Suggested values of a results form from the unit's activities: see prefill.h. */
#include "domain/prefill.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

static int
has_kind(const tpl_from_t *f, const char *kind)
{
	if (kind == NULL)
		return 0;
	for (size_t k = 0; k < f->nkinds; k++)
		if (strcmp(f->kinds[k], kind) == 0)
			return 1;
	return 0;
}

/* Saturating: a hostile participants figure must not wrap the total. */
static int64_t
add_sat(int64_t a, int64_t b)
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

prefill_t *
prefill_compute(const template_t *t, const prefill_activity_t *acts, size_t n)
{
	prefill_t *p = xcalloc(1, sizeof *p);
	size_t nfrom = 0;
	for (size_t s = 0; s < t->nsections; s++)
		for (size_t i = 0; i < t->sections[s].nitems; i++)
			nfrom += t->sections[s].items[i].from != NULL;
	p->items = arena_alloc(&p->arena, (nfrom + 1) * sizeof *p->items);
	prefill_source_t *tmp = n ? arena_alloc(&p->arena, n * sizeof *tmp) : NULL;
	for (size_t s = 0; s < t->nsections; s++)
		for (size_t i = 0; i < t->sections[s].nitems; i++) {
			const tpl_item_t *it = &t->sections[s].items[i];
			if (it->from == NULL)
				continue;
			int people = it->from->measure != TPL_MEASURE_COUNT; /* a figure added up */
			prefill_item_t pi = {it, 0, 0, 0, NULL, 0};
			size_t ns = 0;
			for (size_t k = 0; k < n; k++) {
				const prefill_activity_t *a = &acts[k];
				if (!has_kind(it->from, a->kind))
					continue;
				prefill_source_t src = {a, 0, 0, NULL};
				const char *st = a->status ? a->status : "";
				if (strcmp(st, "cancelled") == 0)
					src.reason = PREFILL_CANCELLED;
				else if (strcmp(st, "held") != 0)
					src.reason = PREFILL_NOT_HELD; /* planned, or unknown */
				else if (people && a->actual < 0) {
					src.reason = PREFILL_NO_PARTICIPANTS;
					pi.nmissing++;
				} else {
					src.counted = 1;
					src.add = people ? a->actual : 1;
					pi.value = add_sat(pi.value, src.add);
					pi.ncounted++;
				}
				tmp[ns++] = src;
			}
			if (ns == 0)
				continue;
			pi.sources = arena_alloc(&p->arena, ns * sizeof *pi.sources);
			memcpy(pi.sources, tmp, ns * sizeof *pi.sources);
			pi.nsources = ns;
			p->items[p->nitems++] = pi;
		}
	return p;
}

const prefill_item_t *
prefill_find(const prefill_t *p, const char *code)
{
	if (p == NULL || code == NULL)
		return NULL;
	for (size_t k = 0; k < p->nitems; k++)
		if (strcmp(p->items[k].item->code, code) == 0)
			return &p->items[k];
	return NULL;
}

void
prefill_free(prefill_t *p)
{
	if (p == NULL)
		return;
	arena_free(&p->arena);
	free(p);
}
