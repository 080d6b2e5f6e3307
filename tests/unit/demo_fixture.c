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
