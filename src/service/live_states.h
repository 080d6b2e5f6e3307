/* Every unit's report state in a loaded campaign, as the chase board shows it, kept live:
 * read from the store once per loaded campaign (chase_states: the campaign's reports, then
 * its adoptions', the deeper winning) and then moved by each write of the one write path
 * (rep_apply, a photo's first draft) in that campaign and in every campaign it adopts, up
 * the chain, as the roll-up is. A write costs the unit it changed, not the country. Like
 * the roll-up it holds while the loaded campaign is current: another process's commits
 * and a campaign's change forget the loaded campaign (rep_live_forget), and its successor
 * reads the states again. */
#ifndef SUOTDOI_SERVICE_LIVE_STATES_H
#define SUOTDOI_SERVICE_LIVE_STATES_H

#include <stdint.h>

#include "db/store.h"
#include "domain/campaign.h"
#include "domain/units.h"
#include "service/chase.h"
#include "service/reporting.h"

/* Unit states of lc (loaded on tree t) into out[0..t->n), reading them from the store the
 * first time. 0, or -1 on a store error (logged; out untouched). */
int live_states_copy(store_t *st, const unit_tree_t *t, live_campaign_t *lc, chase_state_t *out);

/* A committed write: unit's report in campaign `from` is now *s. Moves lc (the entry the
 * write went through, current or not), from's current entry on t, and those of every
 * campaign from adopts (its ancestry), when loaded with their states. */
void live_states_written(rep_live_t *l, store_t *st, const unit_tree_t *t, live_campaign_t *lc,
                         const campaign_t *from, int32_t unit, const chase_state_t *s);

/* For rep_live's entry free. */
void live_states_free(struct live_states *s);

#endif
