/* The demo registry as the service and roll-up tests use it: the 2025-03 national registry
 * and the demo bodies of Hải Phòng, in a new store, with its tree and the demo campaign. */
#ifndef SUOTDOI_TEST_DEMO_FIXTURE_H
#define SUOTDOI_TEST_DEMO_FIXTURE_H

#include <stdint.h>

#include "db/store.h"
#include "domain/units.h"

/* Creates the store at path, imports the units, builds *tree and makes the demo campaign
 * (*campaign_id, its template *template_id). The store stays open in *st. -1 with a
 * message on stderr. */
int demo_fixture_open(const char *path, store_t **st, unit_tree_t **tree, int64_t *campaign_id,
                      int64_t *template_id);

/* A new campaign of issuer (a tree index) with template_id and the demo's expected kinds,
 * under parent (0: none), in status; its id, or -1 (logged). */
int64_t demo_fixture_campaign(store_t *st, const unit_tree_t *tree, int32_t issuer,
                              int64_t parent, int64_t template_id, const char *status,
                              int64_t now);

#endif
