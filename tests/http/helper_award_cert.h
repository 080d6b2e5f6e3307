/* A commendation decision for the printing tests (docs/awards.md, "Printing"): quận Hải
 * An's Quyết định khen thưởng, its annex the awards list, with four proposals written
 * straight into the store's tables (the proposal workflow is not needed to print). */
#ifndef SUOTDOI_TEST_HELPER_AWARD_CERT_H
#define SUOTDOI_TEST_HELPER_AWARD_CERT_H

#include <stdint.h>

#include "app/app.h"

#define HAC_N 4
/* The proposals in list order (ord): two collectives, two persons; the school's three, the
 * primary school's one. Amounts chosen to be found nowhere else on a page. */
extern const char *const hac_name[HAC_N];
extern const char *const hac_category[HAC_N]; /* the catalog's names */
extern const char *const hac_amount[HAC_N];   /* as printed: "512.345" */
extern const char *const hac_place[HAC_N];
#define HAC_TOTAL "1.740.740"
#define HAC_NUMBER "03/QĐ-UBND"
#define HAC_DATE "15/10/2022"

typedef struct hac_fixture {
	int64_t doc_id, decision_id;
	int64_t prop[HAC_N];       /* the proposals' ids, in ord order */
	const char *achievements3; /* the third's: 2,000 bytes */
} hac_fixture_t;

/* A draft decision of 306 in campaign (the document public, its only annex awards: true),
 * with its proposals in_decision. db: the store's file. 0 or -1 (said on stderr). */
int hac_decision_draft(app_t *app, const char *db, int64_t campaign, hac_fixture_t *f);
/* Issue it as number 3 dated 15/10/2022 (docs_publish) and mark the decision issued and its
 * proposals decided, as the awards workflow does. 0 or -1. */
int hac_decision_issue(app_t *app, const char *db, const hac_fixture_t *f);
/* Run one SQL statement on db (another connection). 0 or -1. */
int hac_sql(const char *db, const char *sql);

#endif
