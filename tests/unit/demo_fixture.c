/* See demo_fixture.h. */
#include "demo_fixture.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/file.h"
#include "domain/campaign.h"
#include "domain/demo.h"

int
demo_fixture_open(const char *path, store_t **st, unit_tree_t **tree, int64_t *campaign_id,
                  int64_t *template_id)
{
	char err[4096];
	if (store_open(path, st, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	const char *files[] = {"data/dvhc/units-2025-03-01.csv", "data/demo/units-demo.csv"};
	for (int i = 0; i < 2; i++) {
		char p[512], *data;
		size_t len;
		units_import_stats_t s;
		snprintf(p, sizeof p, "%s/%s", TEST_SOURCE_DIR, files[i]);
		if (file_read_all(p, 1 << 26, &data, &len, err, sizeof err) < 0 ||
		    units_import_csv(*st, data, len, &s, err, sizeof err) < 0) {
			fprintf(stderr, "%s\n", err);
			return -1;
		}
		free(data);
	}
	if (unit_tree_build(*st, tree, err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	if (demo_campaign(*st, *tree, TEST_SOURCE_DIR, campaign_id) < 0)
		return -1;
	campaign_t *c;
	if (campaign_load(*st, *campaign_id, &c, err, sizeof err) != 1)
		return -1;
	*template_id = c->template_id;
	campaign_free(c);
	return 0;
}

int64_t
demo_fixture_campaign(store_t *st, const unit_tree_t *tree, int32_t issuer, int64_t parent,
                      int64_t template_id, const char *status, int64_t now)
{
	store_campaign_t c = {.issuer_unit_id = tree->units[issuer].id,
	                      .parent_id = parent,
	                      .template_id = template_id,
	                      .year = 2022,
	                      .name = "Đợt thử",
	                      .theme = "",
	                      .opening_time = "",
	                      .opening_place = "",
	                      .opening_participants = "",
	                      .status = status,
	                      .expected_kinds = "truong_mn truong_th truong_thcs tthtcd quan huyen",
	                      .deadlines = "",
	                      .created_at = now};
	int64_t id;
	if (store_campaign_save(st, &c, &id) < 0) {
		fprintf(stderr, "demo_fixture_campaign: the store refused the campaign\n");
		return -1;
	}
	return id;
}
