/* Demo data shared by `suotdoi demo` and the tests. */
#ifndef SUOTDOI_DEMO_H
#define SUOTDOI_DEMO_H

#include <stdint.h>

#include "db/store.h"
#include "domain/units.h"

/* Store the Phụ lục template of seed 003 (assets/data/templates/phuluc-2022.json) and
 * Hải Phòng's open 2022 campaign issued by the city (31) for its subtree: schools and
 * CLCs report by 10/10/2022, districts by 15/10/2022. *id (may be NULL) gets the campaign.
 * -1 with a message on stderr. */
int demo_campaign(store_t *st, const unit_tree_t *t, const char *assets, int64_t *id);

#endif
