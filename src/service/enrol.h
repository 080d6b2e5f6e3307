/* Class enrolment (đăng ký học): a class activity's settings (open, fee, capacity, deadline,
 * contact), citizens enrolling without an account (name + phone, a confirmation code, a
 * waiting list promoted in order), cancelling with the code, the unit's attendance (which
 * becomes the activity's actual participants), and the retention of personal data. No HTTP:
 * src/app/enrol_pages.c adapts it to HTML and JSON; the scheduler calls enrol_purge. */
#ifndef SUOTDOI_SERVICE_ENROL_H
#define SUOTDOI_SERVICE_ENROL_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"

#define ENROL_CODE_LEN 8
#define ENROL_NAME_MAX 100
#define ENROL_NOTE_MAX 500
#define ENROL_CONTACT_MAX 200
#define ENROL_CAPACITY_MAX 10000
#define ENROL_FEE_MAX 100000000 /* 100 million đồng */
#define ENROL_PHONE_PER_DAY 5   /* classes a phone may enrol in per 24 hours */
#define ENROL_RETENTION_DAYS 90 /* default: personal data kept this long after the class */

typedef enum enrol_rc {
	ENROL_OK = 0,
	ENROL_ERR_STORE = -1,     /* logged, nothing written */
	ENROL_ERR_INVALID = -2,   /* bad input: out->errs name the fields; nothing written */
	ENROL_ERR_NOT_FOUND = -3, /* no such class open to enrolment / no such code */
	ENROL_ERR_CLOSED = -4,    /* not open, past the deadline, cancelled, not started yet */
	ENROL_ERR_PHONE = -5,     /* the phone cannot enrol here (already in, or its daily limit):
	                           * one message for both, so a phone's enrolment is not revealed */
	ENROL_ERR_STALE = -6,     /* the activity changed meanwhile: nothing written */
} enrol_rc_t;

typedef struct enrol_ctx { /* borrowed; outlives the call */
	store_t *store;
	arena_t *arena; /* owns everything in the outcome */
	int64_t now;    /* clock injected for tests */
	int64_t actor_id;
} enrol_ctx_t;

#define ENROL_MAX_ERRS 8
typedef struct enrol_outcome {
	const char *message; /* a Vietnamese sentence on every non-OK code, and on OK */
	struct {
		const char *field, *msg; /* form field name and its sentence */
	} errs[ENROL_MAX_ERRS];
	int nerrs;
	/* enrol_join / enrol_cancel */
	const char *code;    /* the confirmation code */
	const char *status;  /* "enrolled", "waiting", "cancelled" */
	int64_t position;    /* place on the waiting list (1 = next), 0 when enrolled */
	int64_t id;          /* the enrolment; 0 for a honeypot's pretend success */
	int64_t promoted_id; /* enrol_cancel, enrol_settings_save: the first who moved up from
	                      * the waiting list, 0 none */
	int64_t attended;    /* enrol_attendance: how many attended */
} enrol_outcome_t;

/* ---- pure helpers ---- */

/* A Vietnamese mobile number as people type it ("0912345678", "+84 912 345 678",
 * "84912345678", "091.234.5678", "(091) 234-5678") to its 10-digit national form in out.
 * Mobile ranges only (03x, 05x, 07x, 08x, 09x). 0, or -1 (out undefined). */
int enrol_phone_normalise(const char *in, size_t len, char out[11]);
/* A new code of ENROL_CODE_LEN characters from an alphabet without 0/O, 1/I/L (libsodium's
 * RNG); out gets a terminating NUL. */
void enrol_code_new(char out[ENROL_CODE_LEN + 1]);
/* A typed code to its canonical form (upper case, spaces and dashes dropped) in out. 0, or
 * -1 when it cannot be a code. */
int enrol_code_normalise(const char *in, char out[ENROL_CODE_LEN + 1]);
/* 1 if kind is a class kind (lop_*), the only kinds that take enrolments. */
int enrol_kind_ok(const char *kind);
/* "1.234.567 đ", or "Miễn phí" for 0; in a. */
const char *enrol_fee_text(arena_t *a, int64_t fee);

/* ---- settings ---- */

/* What the unit typed (NULL = absent). open "1"/"on" = open. */
typedef struct enrol_settings_input {
	const char *open, *fee, *capacity, *deadline_date, *deadline_time;
	const char *contact_name, *contact_phone, *contact_email;
} enrol_settings_input_t;

/* Check and save the settings of activity a; more places move the waiting list up in order
 * (promoted_id), in the same transaction. Closing (open unset) with an empty capacity keeps
 * the stored one. ENROL_OK, ENROL_ERR_INVALID (fields
 * enrol_open, enrol_fee, enrol_capacity, enrol_deadline, enrol_contact_name,
 * enrol_contact_phone, enrol_contact_email), ENROL_ERR_STORE. */
enrol_rc_t enrol_settings_save(const enrol_ctx_t *cx, const store_activity_t *a,
                               const enrol_settings_input_t *in, enrol_outcome_t *out /* OUT */);
/* The settings of activity id into *s (strings in cx->arena): 1, 0 none, -1 error. */
int enrol_settings_load(const enrol_ctx_t *cx, int64_t activity_id,
                        store_enrol_settings_t *s /* OUT */);
/* The deadline that applies: the settings' or, without one, the class's start. */
int64_t enrol_deadline(const store_enrol_settings_t *s, const store_activity_t *a);

/* ---- citizens ---- */

typedef struct enrol_input {
	const char *name, *phone, *birth_year, *note, *consent;
	const char *website; /* the honeypot: a person never fills it */
} enrol_input_t;

/* Enrol in public class a: enrolled while places remain, else on the waiting list.
 * ENROL_OK with code, status, position; a filled honeypot also gives ENROL_OK (a made-up
 * code, id 0) and writes nothing. ENROL_ERR_INVALID (fields name, phone, birth_year, note,
 * consent), ENROL_ERR_NOT_FOUND (not a public class open for enrolment), ENROL_ERR_CLOSED
 * (deadline passed, cancelled), ENROL_ERR_PHONE, ENROL_ERR_STORE. All or nothing. */
enrol_rc_t enrol_join(const enrol_ctx_t *cx, const store_activity_t *a, const enrol_input_t *in,
                      enrol_outcome_t *out /* OUT */);
/* Cancel with the code and the last four digits of the phone; the first on the waiting list
 * moves up (promoted_id, its promoted_at set: to be told). ENROL_OK (also when it was
 * already cancelled), ENROL_ERR_INVALID (fields code, phone4: the same sentence whether the
 * code or the digits are wrong), ENROL_ERR_STORE. */
enrol_rc_t enrol_cancel(const enrol_ctx_t *cx, int64_t activity_id, const char *code,
                        const char *phone4, enrol_outcome_t *out /* OUT */);
/* The status of a code in activity_id (no personal data): ENROL_OK with code, status,
 * position; ENROL_ERR_NOT_FOUND. */
enrol_rc_t enrol_status(const enrol_ctx_t *cx, int64_t activity_id, const char *code,
                        enrol_outcome_t *out /* OUT */);

/* ---- the unit's list ---- */

typedef struct enrol_row {
	store_enrolment_t e; /* strings in cx->arena */
	int64_t position;    /* waiting list place, 0 otherwise */
} enrol_row_t;

typedef struct enrol_list {
	enrol_row_t *rows; /* enrolled and waiting first (in order), then cancelled */
	size_t n;
	int64_t enrolled, waiting, cancelled, attended;
} enrol_list_t;

/* The enrolments of activity id (in cx->arena). 0 or -1. */
int enrol_list(const enrol_ctx_t *cx, int64_t activity_id, enrol_list_t *out /* OUT */);
/* Mark who attended (ids of enrolments of a; the others are marked absent) and set the
 * activity's status to held with actual = the number attended, in one transaction.
 * ENROL_OK with attended, ENROL_ERR_CLOSED (before the class starts, or cancelled),
 * ENROL_ERR_STALE (the activity changed since version), ENROL_ERR_STORE. */
enrol_rc_t enrol_attendance(const enrol_ctx_t *cx, const store_activity_t *a, const int64_t *ids,
                            size_t n, enrol_outcome_t *out /* OUT */);

/* ---- retention ---- */

/* Empty the names, phones and notes of enrolments in classes that ended more than days
 * ago (cx->now); the rows stay, for the counts. *n: how many. 0 or -1. */
int enrol_purge(const enrol_ctx_t *cx, int days, int64_t *n /* OUT */);

#endif
