/* The demo's official documents (data/demo/docs/ (JSON files)): seed 000's công văn of huyện Tiên
 * Lãng, Phòng GD&ĐT Đại Từ's công văn 747 (a stand-in: the seeds only cite it), xã Hà
 * Thượng's plan of seed 001 made from it, and quận Hải An's plan of seed 003 with its
 * results form plus a draft báo cáo of the compiled results. */
#ifndef SUOTDOI_DEMO_DOCS_H
#define SUOTDOI_DEMO_DOCS_H

#include <stdint.h>

#include "db/store.h"
#include "domain/units.h"

/* Store and publish the demo documents as their issuers would have (numbers, dates,
 * addressees, duties become receipts and tasks). campaign_id: Hải Phòng's demo campaign
 * (demo_campaign), attached to Hải An's documents; 0 leaves them outside any campaign.
 * Files are read from assets/data/demo/docs. Does nothing when Tiên Lãng's công văn is
 * already stored (a second run). 0, or -1 with a message on stderr. */
int demo_documents(store_t *st, const unit_tree_t *t, int64_t campaign_id, const char *assets);

#endif
