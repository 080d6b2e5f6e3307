/* The demo's official documents: read from data/demo/docs/ (JSON files) (the document format of
 * docs/documents.md), stored as drafts and published through docs_publish like any other,
 * at the times their issuers published them. */
#include "domain/demo_docs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/file.h"
#include "docs/doc.h"
#include "docs/issue.h"

typedef struct demo_ctx {
	store_t *st;
	const unit_tree_t *t;
	const char *assets;
	arena_t a;
} demo_ctx_t;

/* Parse assets/data/demo/docs/<file>. NULL with a message on stderr. */
static doc_t *
load(demo_ctx_t *c, const char *file)
{
	char path[4096], err[512], *json;
	size_t len;
	snprintf(path, sizeof path, "%s/data/demo/docs/%s", c->assets, file);
	if (file_read_all(path, 1 << 20, &json, &len, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return NULL;
	}
	doc_t *d;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	int rc = doc_parse(json, len, &c->a, &d, errs, &nerr);
	free(json);
	if (rc < 0) {
		for (size_t k = 0; k < nerr; k++)
			fprintf(stderr, "%s: %s: %s\n", path, errs[k].field, errs[k].msg);
		return NULL;
	}
	return d;
}

/* Store d as a draft of unit code. 0 with *id and *version, -1 (message on stderr). */
static int
draft(demo_ctx_t *c, const char *code, const doc_t *d, int64_t campaign, int64_t derived_from,
      int is_public, int64_t at, int64_t *id, int64_t *version)
{
	int32_t i = unit_tree_find_code(c->t, code);
	if (i < 0) {
		fprintf(stderr, "demo documents: no unit %s\n", code);
		return -1;
	}
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr = 0;
	if (doc_validate(d, errs, &nerr) < 0) {
		fprintf(stderr, "demo document of %s: %s: %s\n", code, errs[0].field, errs[0].msg);
		return -1;
	}
	int rc = docs_save_draft(c->st, 0, c->t->units[i].id, d, campaign, derived_from, is_public,
	                         at, 0, 0, id, version);
	if (rc < 0)
		fprintf(stderr, "demo document of %s: not stored\n", code);
	return rc < 0 ? -1 : 0;
}

/* 10:00 in Vietnam on day d, in Unix seconds. */
static int64_t
at_ten(int32_t d)
{
	return (int64_t)d * 86400 + 3 * 3600;
}

static int
publish(demo_ctx_t *c, int64_t id, int64_t version, int32_t date, int number, int *out)
{
	char err[400] = "";
	int num;
	int rc = docs_publish(c->st, c->t, id, version, date, at_ten(date) + 3600, NULL, number, &num,
	                      NULL, err, sizeof err);
	if (rc != 0) {
		fprintf(stderr, "demo document %lld not published (%d): %s\n", (long long)id, rc,
		        err);
		return -1;
	}
	if (out)
		*out = num;
	return 0;
}

static int
count_doc(const store_doc_t *d, void *p)
{
	(void)d;
	(*(int *)p)++;
	return 0;
}

typedef struct one_doc {
	arena_t *a;
	store_doc_t d;
} one_doc_t;

static int
copy_doc(const store_doc_t *d, void *p)
{
	one_doc_t *o = p;
	o->d = *d;
	o->d.json = arena_strdup(o->a, d->json);
	return 0;
}

/* The stored document id, its number the row's. */
static doc_t *
stored(demo_ctx_t *c, int64_t id)
{
	one_doc_t o = {&c->a, {0}};
	if (store_doc_get(c->st, id, copy_doc, &o) != 1)
		return NULL;
	doc_t *d;
	doc_error_t errs[DOC_MAX_ERRORS];
	size_t nerr;
	if (doc_parse(o.d.json, strlen(o.d.json), &c->a, &d, errs, &nerr) < 0)
		return NULL;
	d->number = o.d.number;
	return d;
}

static int
run(demo_ctx_t *c, int64_t campaign_id)
{
	const unit_tree_t *t = c->t;
	int64_t id, version;

	/* 1. Huyện Tiên Lãng: công văn 2945/UBND-GDĐT of 26/9/2022 (seed 000), public */
	doc_t *cv = load(c, "000-tien-lang-cong-van-2945.json");
	if (!cv || draft(c, "315", cv, 0, 0, 1, at_ten(cv->date) - 86400, &id, &version) < 0 ||
	    publish(c, id, version, cv->date, 2945, NULL) < 0)
		return -1;

	/* 2. Phòng GD&ĐT Đại Từ: công văn 747/CV-PGDĐT-GDTX of 03/10/2022 to the communes (a
	 * stand-in: seed 001 cites it, its text is ours) */
	doc_t *dt = load(c, "002-dai-tu-cong-van-747.json");
	int64_t dt_id;
	if (!dt ||
	    draft(c, "DT-PGDDT", dt, 0, 0, 1, at_ten(dt->date) - 86400, &dt_id, &version) < 0 ||
	    publish(c, dt_id, version, dt->date, 747, NULL) < 0)
		return -1;
	/* Hà Thượng opened it the next morning, and made its plan from it */
	int32_t ht = unit_tree_find_code(t, "05812");
	if (ht < 0)
		return -1;
	store_doc_mark_read(c->st, dt_id, t->units[ht].id, at_ten(dt->date + 1) - 2 * 3600, 0);

	/* 3. Xã Hà Thượng: the plan of seed 001, derived from 747 (its legal basis links to
	 * it), then filled with the seed's text; number 15 is ours (the seed shows none) */
	doc_t *parent = stored(c, dt_id);
	doc_t *kh = load(c, "001-ha-thuong-ke-hoach.json");
	if (!parent || !kh)
		return -1;
	int32_t dti = unit_tree_find_code(t, "DT-PGDDT");
	doc_t *d = doc_derive(parent, dt_id, t->units[dti].name, &c->a);
	const doc_t *u = kh;
	d->kind = u->kind;
	d->date = u->date;
	d->year = u->year;
	d->body_abbr = u->body_abbr;
	d->drafter_abbr = u->drafter_abbr;
	d->parent_body = u->parent_body;
	d->body = u->body;
	d->place = u->place;
	d->subject = u->subject;
	d->text = u->text;
	d->recipients = u->recipients;
	d->nrecipients = u->nrecipients;
	d->duties = u->duties;
	d->nduties = u->nduties;
	d->distribution = u->distribution;
	d->ndistribution = u->ndistribution;
	d->signer = u->signer;
	d->annexes = u->annexes;
	d->nannexes = u->nannexes;
	if (draft(c, "05812", d, 0, dt_id, 1, at_ten(d->date) - 86400, &id, &version) < 0 ||
	    publish(c, id, version, d->date, 15, NULL) < 0)
		return -1;

	/* 4. Quận Hải An: the plan of seed 003 with its results form (the campaign's), numbered
	 * by the system; and a draft báo cáo attaching the compiled results */
	doc_t *ha = load(c, "003-hai-an-ke-hoach.json");
	int64_t ha_id;
	if (!ha ||
	    draft(c, "306", ha, campaign_id, 0, 1, at_ten(ha->date) - 86400, &ha_id, &version) <
	            0 ||
	    publish(c, ha_id, version, ha->date, 0, NULL) < 0)
		return -1;
	doc_t *plan = stored(c, ha_id);
	doc_t *bc = load(c, "003-hai-an-bao-cao.json");
	if (!plan || !bc)
		return -1;
	/* its basis: the plan, as published */
	buf_t b = BUF_INIT;
	buf_puts(&b, "Thực hiện ");
	doc_reference(plan, "Ủy ban nhân dân quận Hải An", &b);
	buf_putc(&b, ';');
	bc->bases = arena_alloc(&c->a, sizeof *bc->bases);
	bc->bases[0] = (doc_basis_t){ha_id, arena_strdup(&c->a, buf_cstr(&b))};
	bc->nbases = 1;
	buf_free(&b);
	if (draft(c, "306", bc, campaign_id, 0, 0, at_ten(ha->date + 13), &id, &version) < 0)
		return -1;
	return 0;
}

int
demo_documents(store_t *st, const unit_tree_t *t, int64_t campaign_id, const char *assets)
{
	int32_t tl = unit_tree_find_code(t, "315");
	if (tl < 0) {
		fprintf(stderr, "demo documents: the registry has no huyện Tiên Lãng (315)\n");
		return -1;
	}
	int n = 0;
	if (store_docs_of_issuer(st, t->units[tl].id, count_doc, &n) < 0)
		return -1;
	if (n > 0)
		return 0; /* already there */
	demo_ctx_t c = {st, t, assets, ARENA_INIT};
	int rc = run(&c, campaign_id);
	arena_free(&c.a);
	return rc;
}
