/* Loading a campaign with its template, and the expected-set and deadline rules. */
#include "domain/campaign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "text/hygiene.h"
#include "text/text.h"

typedef struct load {
	campaign_t *c;
	char *json;
	int found_tpl;
} load_t;

static int
copy_campaign(const store_campaign_t *s, void *p)
{
	load_t *l = p;
	campaign_t *c = xcalloc(1, sizeof *c);
	c->id = s->id;
	c->issuer_unit_id = s->issuer_unit_id;
	c->parent_id = s->parent_id;
	c->template_id = s->template_id;
	c->year = s->year;
	c->name = xstrdup(s->name);
	c->theme = xstrdup(s->theme);
	c->status = xstrdup(s->status);
	c->start_date = s->start_date;
	c->end_date = s->end_date;
	c->registration_deadline = s->registration_deadline;
	c->opening_time = xstrdup(s->opening_time);
	c->opening_place = xstrdup(s->opening_place);
	c->opening_participants = xstrdup(s->opening_participants);
	/* expected kinds: space-separated */
	const char *p2 = s->expected_kinds;
	while (*p2) {
		while (*p2 == ' ')
			p2++;
		size_t n = strcspn(p2, " ");
		if (n) {
			c->expected = xrealloc(c->expected,
			                       size_mul(c->nexpected + 1, sizeof *c->expected));
			c->expected[c->nexpected++] = xstrndup(p2, n);
		}
		p2 += n;
	}
	char err[200];
	if (campaign_parse_deadlines(s->deadlines, &c->deadlines, &c->ndeadlines, err, sizeof err) <
	    0) {
		c->deadlines = NULL;
		c->ndeadlines = 0;
	}
	l->c = c;
	return 0;
}

static int
copy_template(const store_template_t *t, void *p)
{
	load_t *l = p;
	l->json = xstrdup(t->json);
	l->found_tpl = 1;
	return 0;
}

typedef struct day_of {
	int64_t parent;
	int32_t day;
} day_of_t;

static int
read_day(const store_campaign_t *s, void *p)
{
	day_of_t *d = p;
	d->parent = s->parent_id;
	/* its start date, or the day (Vietnam time) it was created when it has none */
	d->day = s->start_date > 0 ? s->start_date : (int32_t)((s->created_at + 7 * 3600) / 86400);
	return 0;
}

int
campaign_tree_day(store_t *st, int64_t id, int32_t *day)
{
	day_of_t d = {0, 0};
	int rc = 0;
	/* up the adoption chain: every campaign of one chain adds up on one tree */
	for (int hops = 0; id != 0 && hops < 64; hops++) {
		rc = store_campaign_get(st, id, read_day, &d);
		if (rc <= 0)
			return rc;
		*day = d.day;
		id = d.parent;
	}
	return rc;
}

int
campaign_load(store_t *st, int64_t id, campaign_t **out, char *err, size_t errlen)
{
	load_t l = {0};
	*out = NULL;
	int rc = store_campaign_get(st, id, copy_campaign, &l);
	if (rc <= 0) {
		if (rc < 0)
			snprintf(err, errlen, "Không đọc được đợt báo cáo %lld.", (long long)id);
		return rc;
	}
	if (store_template_get(st, l.c->template_id, copy_template, &l) != 1) {
		snprintf(err, errlen, "Đợt báo cáo %lld thiếu mẫu báo cáo.", (long long)id);
		campaign_free(l.c);
		return -1;
	}
	char terr[512];
	if (template_from_json(l.json, strlen(l.json), &l.c->tpl, terr, sizeof terr) < 0) {
		snprintf(err, errlen, "Mẫu báo cáo của đợt %lld không hợp lệ: %s", (long long)id,
		         terr);
		free(l.json);
		campaign_free(l.c);
		return -1;
	}
	free(l.json);
	if (campaign_tree_day(st, id, &l.c->tree_day) < 0) {
		snprintf(err, errlen, "Không đọc được đợt báo cáo %lld.", (long long)id);
		campaign_free(l.c);
		return -1;
	}
	*out = l.c;
	return 1;
}

void
campaign_free(campaign_t *c)
{
	if (c == NULL)
		return;
	free(c->name);
	free(c->theme);
	free(c->status);
	free(c->opening_time);
	free(c->opening_place);
	free(c->opening_participants);
	for (size_t i = 0; i < c->nexpected; i++)
		free(c->expected[i]);
	free(c->expected);
	for (size_t i = 0; i < c->ndeadlines; i++)
		free(c->deadlines[i].kind);
	free(c->deadlines);
	template_free(c->tpl);
	free(c);
}

int32_t
campaign_issuer(const campaign_t *c, const unit_tree_t *t)
{
	return unit_tree_find_id(t, c->issuer_unit_id);
}

static int
kind_expected(const campaign_t *c, const char *kind)
{
	for (size_t k = 0; k < c->nexpected; k++)
		if (!strcmp(c->expected[k], kind))
			return 1;
	return 0;
}

int
campaign_expects(const campaign_t *c, const unit_tree_t *t, int32_t i)
{
	int32_t top = campaign_issuer(c, t);
	if (top < 0 || !unit_tree_contains(t, top, i) || t->units[i].closed ||
	    !kind_expected(c, t->units[i].kind))
		return 0;
	if (!t->units[i].is_locality)
		return 1;
	/* a level compiles only when something below it reports; bodies come first in the
	 * depth-first order, so this usually stops after a few units */
	for (int32_t k = i + 1; k < t->units[i].end; k++)
		if (!t->units[k].is_locality && kind_expected(c, t->units[k].kind))
			return 1;
	return 0;
}

int32_t
campaign_due(const campaign_t *c, const unit_tree_t *t, int32_t i)
{
	for (size_t k = 0; k < c->ndeadlines; k++)
		if (!strcmp(c->deadlines[k].kind, t->units[i].kind))
			return c->deadlines[k].due;
	return 0;
}

int
campaign_parse_deadlines(const char *s, campaign_deadline_t **out, size_t *n, char *err,
                         size_t errlen)
{
	*out = NULL;
	*n = 0;
	while (s && *s) {
		while (*s == ' ')
			s++;
		size_t len = strcspn(s, " ");
		if (len == 0)
			break;
		const char *eq = memchr(s, '=', len);
		if (eq == NULL || eq == s) {
			snprintf(err, errlen, "Hạn báo cáo \"%.*s\" phải có dạng loại=dd/mm/yyyy.",
			         (int)len, s);
			goto fail;
		}
		int32_t due;
		int64_t days;
		const char *v = eq + 1;
		size_t vl = len - (size_t)(v - s);
		if (text_parse_date(v, vl, &due) < 0) {
			if (text_parse_int(v, vl, &days) < 0 || days <= 0 || days > 400000) {
				snprintf(err, errlen,
				         "Ngày \"%.*s\" trong hạn báo cáo không hợp lệ "
				         "(dd/mm/yyyy).",
				         (int)vl, v);
				goto fail;
			}
			due = (int32_t)days;
		}
		*out = xrealloc(*out, size_mul(*n + 1, sizeof **out));
		(*out)[*n].kind = xstrndup(s, (size_t)(eq - s));
		(*out)[*n].due = due;
		(*n)++;
		s += len;
	}
	return 0;
fail:
	for (size_t i = 0; i < *n; i++)
		free((*out)[i].kind);
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}

typedef struct all_campaigns {
	int64_t *id, *parent, *issuer;
	size_t n, cap;
} all_campaigns_t;

static int
collect_campaign(const store_campaign_t *c, void *p)
{
	all_campaigns_t *a = p;
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->id = xrealloc(a->id, size_mul(a->cap, sizeof *a->id));
		a->parent = xrealloc(a->parent, size_mul(a->cap, sizeof *a->parent));
		a->issuer = xrealloc(a->issuer, size_mul(a->cap, sizeof *a->issuer));
	}
	a->id[a->n] = c->id;
	a->parent[a->n] = c->parent_id;
	a->issuer[a->n] = c->issuer_unit_id;
	a->n++;
	return 0;
}

static void
all_free(all_campaigns_t *a)
{
	free(a->id);
	free(a->parent);
	free(a->issuer);
}

int
campaign_adoptions(store_t *st, int64_t id, int64_t **ids, int64_t **issuers, size_t *n)
{
	all_campaigns_t a = {0};
	*ids = NULL;
	*issuers = NULL;
	*n = 0;
	if (store_campaigns_each(st, collect_campaign, &a) < 0) {
		all_free(&a);
		return -1;
	}
	/* breadth first from id: parents come before their children */
	size_t cap = a.n + 1, head = 0;
	int64_t *out = xmalloc(size_mul(cap, sizeof *out)),
	        *iss = xmalloc(size_mul(cap, sizeof *iss));
	int64_t *queue = xmalloc(size_mul(cap, sizeof *queue));
	size_t qn = 0;
	queue[qn++] = id;
	while (head < qn) {
		int64_t cur = queue[head++];
		for (size_t k = 0; k < a.n; k++)
			if (a.parent[k] == cur && qn < cap) {
				queue[qn++] = a.id[k];
				out[*n] = a.id[k];
				iss[*n] = a.issuer[k];
				(*n)++;
			}
	}
	free(queue);
	all_free(&a);
	*ids = out;
	*issuers = iss;
	return 0;
}

int64_t
campaign_effective_among(const int64_t *ids, const int64_t *issuers, size_t n, const unit_tree_t *t,
                         int64_t id, int32_t i)
{
	int64_t best = id;
	int32_t depth = -1;
	for (size_t k = 0; k < n; k++) {
		int32_t u = unit_tree_find_id(t, issuers[k]);
		if (u >= 0 && unit_tree_contains(t, u, i) && t->units[u].depth > depth) {
			depth = t->units[u].depth;
			best = ids[k];
		}
	}
	return best;
}

int64_t
campaign_effective(store_t *st, const unit_tree_t *t, int64_t id, int32_t i)
{
	int64_t *ids, *issuers;
	size_t n;
	if (campaign_adoptions(st, id, &ids, &issuers, &n) < 0)
		return id;
	int64_t best = campaign_effective_among(ids, issuers, n, t, id, i);
	free(ids);
	free(issuers);
	return best;
}

int
campaign_ancestry(store_t *st, int64_t id, int64_t **ids, size_t *n)
{
	all_campaigns_t a = {0};
	*ids = NULL;
	*n = 0;
	if (store_campaigns_each(st, collect_campaign, &a) < 0) {
		all_free(&a);
		return -1;
	}
	int64_t *out = xmalloc(size_mul(a.n + 1, sizeof *out));
	int64_t cur = id;
	while (cur != 0 && *n <= a.n) {
		out[(*n)++] = cur;
		int64_t next = 0;
		for (size_t k = 0; k < a.n; k++)
			if (a.id[k] == cur)
				next = a.parent[k];
		cur = next;
	}
	all_free(&a);
	*ids = out;
	return 0;
}

int
template_extends(const template_t *child, const template_t *parent, char *err, size_t errlen)
{
	for (size_t s = 0; s < parent->nsections; s++)
		for (size_t k = 0; k < parent->sections[s].nitems; k++) {
			const tpl_item_t *p = &parent->sections[s].items[k];
			if (p->heading)
				continue;
			const tpl_item_t *c = template_item(child, p->code);
			if (c == NULL || c->type != p->type) {
				snprintf(err, errlen,
				         "Mẫu báo cáo của cấp dưới phải giữ mọi chỉ tiêu của cấp "
				         "trên để số "
				         "liệu so sánh được; thiếu hoặc đổi loại mục \"%s\" "
				         "(%.80s).",
				         p->code, p->label);
				return 0;
			}
		}
	return 1;
}

int
campaign_set_status(store_t *st, const unit_tree_t *t, int32_t unit, const store_campaign_t *c,
                    const char *status, const audit_actor_t *by, int64_t now, char *err,
                    size_t errlen)
{
	store_campaign_t w = *c;
	w.status = status;
	int64_t id;
	audit_entry_t e = {unit, "campaign.status", c->name, c->status, status};
	if (store_tx_begin(st) < 0)
		goto fail;
	if (store_campaign_save(st, &w, &id) < 0 || audit_write(st, t, by, now, &e) < 0) {
		store_tx_rollback(st);
		goto fail;
	}
	if (store_tx_commit(st) < 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen,
	         "Không đổi được trạng thái đợt báo cáo (lỗi cơ sở dữ liệu); chưa có gì thay "
	         "đổi, hãy thử lại.");
	return -1;
}

const char *
campaign_clean_texts(arena_t *a, store_campaign_t *c)
{
	static const unsigned name = TEXT_NAME | TEXT_TRIM;
	struct {
		const char *label;
		const char **s;
		unsigned flags;
		size_t max;
	} f[] = {
	        {"Tên đợt", &c->name, name | TEXT_REQUIRED, CAMPAIGN_NAME_MAX},
	        {"Chủ đề", &c->theme, name, CAMPAIGN_THEME_MAX},
	        {"Lễ khai mạc: thời gian", &c->opening_time, TEXT_TRIM, CAMPAIGN_OPENING_MAX},
	        {"Lễ khai mạc: địa điểm", &c->opening_place, TEXT_TRIM, CAMPAIGN_OPENING_MAX},
	        {"Lễ khai mạc: thành phần", &c->opening_participants, TEXT_TRIM,
	         CAMPAIGN_OPENING_MAX},
	};
	for (size_t k = 0; k < sizeof f / sizeof *f; k++) {
		const char *out;
		const char *why =
		        text_clean_field(a, f[k].label, *f[k].s, f[k].flags, f[k].max, &out);
		if (why)
			return why;
		*f[k].s = out;
	}
	return NULL;
}
