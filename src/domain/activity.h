/* Activities of the Week (hoạt động): the kinds and modes, the checks a registration must
 * pass (each bad field gets its own Vietnamese sentence), Vietnam time (UTC+7, no daylight
 * saving) without the TZ environment, and the iCalendar (RFC 5545) writer for the public
 * feeds, and the save of an activity with its audit entry (activity_save.c). No SQL, no
 * HTTP; the pages are src/app/activity_pages.c. */
#ifndef SUOTDOI_ACTIVITY_H
#define SUOTDOI_ACTIVITY_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "db/store.h"
#include "domain/audit.h"
#include "domain/units.h"

/* ---- saving (activity_save.c) ---- */

/* Save a (a new activity when a->id is 0, else the row at expected_version) with its audit
 * entry e under e->unit of t, by by at a->updated_at, in one transaction; e->target NULL is
 * "activity:<id>" (the new id for a new activity). 0 with *id and *version; -2 the row
 * changed meanwhile; -1 with err (Vietnamese). Nothing is written unless 0. */
int activity_save(store_t *st, const unit_tree_t *t, const store_activity_t *a,
                  int64_t expected_version, const audit_actor_t *by, const audit_entry_t *e,
                  int64_t *id /* OUT */, int64_t *version /* OUT */, char *err, size_t errlen);

/* Limits (bytes of UTF-8; counts of people). */
#define ACTIVITY_TITLE_MAX 300
#define ACTIVITY_DESCRIPTION_MAX 5000
#define ACTIVITY_PLACE_MAX 300
#define ACTIVITY_AUDIENCE_MAX 300
#define ACTIVITY_LINK_MAX 500
#define ACTIVITY_OUTCOME_MAX 2000
#define ACTIVITY_PEOPLE_MAX 1000000
#define ACTIVITY_MAX_DAYS 31
#define ACTIVITY_VN_OFFSET (7 * 3600) /* Vietnam: UTC+7 all year */

/* ---- kinds, modes, statuses ---- */

typedef struct activity_kind {
	const char *code; /* "khai_mac", "lop_cds", ... (stored; other modules map them) */
	const char *name; /* "Lễ khai mạc" */
} activity_kind_t;

/* Every kind in display order; *n gets the count. */
const activity_kind_t *activity_kinds(size_t *n /* OUT */);
/* The Vietnamese name of a kind / mode / status code, or NULL when unknown. */
const char *activity_kind_name(const char *code);
const char *activity_mode_name(const char *code);   /* truc_tiep, truc_tuyen, ket_hop */
const char *activity_status_name(const char *code); /* planned, held, cancelled */

/* ---- Vietnam time ---- */

/* Unix seconds of local day `days` (since 1970-01-01) at `minutes` after local midnight. */
int64_t activity_vn_time(int32_t days, int minutes);
/* The local day and minutes after local midnight of Unix time t. */
void activity_vn_split(int64_t t, int32_t *days /* OUT */, int *minutes /* OUT */);
/* Local day of week of a day number: 0 = Monday ... 6 = Sunday. */
int activity_weekday(int32_t days);
/* "Thứ Hai" ... "Chủ Nhật" for 0..6. */
const char *activity_weekday_name(int wd);
/* "HH:MM" (also "H:MM", "HHhMM", "HHh"): 0 and *minutes (0..1439), or -1. */
int activity_parse_hhmm(const char *s, int *minutes /* OUT */);
/* Appends "dd/mm/yyyy" / "HH:MM" of Unix time t in Vietnam time. */
void activity_format_date(int64_t t, buf_t *out);
void activity_format_hhmm(int64_t t, buf_t *out);
/* Appends the span as people read it: "Thứ Năm, 06/10/2022, 07:00–07:45", or across days
 * "Thứ Bảy, 01/10/2022, 07:30 – Thứ Hai, 03/10/2022, 17:00". */
void activity_format_span(int64_t start, int64_t end, buf_t *out);
/* 1 if a registration at `now` is after the registration deadline (a local day: the whole
 * day counts) ; 0 when in time or no deadline (0). */
int activity_is_late(int32_t deadline, int64_t now);

/* ---- checking a registration ---- */

/* Fields, in form order; activity_field_code() gives the form/JSON name of each. */
enum activity_field {
	AF_CAMPAIGN,
	AF_KIND,
	AF_TITLE,
	AF_DESCRIPTION,
	AF_START,
	AF_END,
	AF_PLACE,
	AF_MODE,
	AF_LINK,
	AF_AUDIENCE,
	AF_EXPECTED,
	AF_LATE,
	AF_STATUS,
	AF_ACTUAL,
	AF_OUTCOME,
	AF_COUNT
};
const char *activity_field_code(int f);

typedef struct activity_errors {
	const char *msg[AF_COUNT]; /* NULL when the field is fine; in the arena given */
	int n;
	/* a title, description or place typed in TCVN3/VNI (mojibake), refused: its repaired
	 * text, for the form's field and the API's suggestion (NULL when none) */
	const char *suggest[AF_COUNT];
} activity_errors_t;

/* What was typed (NULL = absent). Dates dd/mm/yyyy, times HH:MM, Vietnam time. An empty
 * end date means the start's day. */
typedef struct activity_input {
	const char *kind, *title, *description;
	const char *start_date, *start_time, *end_date, *end_time;
	const char *place, *mode, *link, *audience, *expected;
	int is_public;
} activity_input_t;

/* A checked registration: strings trimmed (in the arena), times as Unix seconds. */
typedef struct activity_fields {
	const char *kind, *title, *description, *place, *mode, *link, *audience;
	int64_t start_at, end_at;
	int64_t expected; /* -1 = not given */
	int is_public;
} activity_fields_t;

/* Check every field; campaign_year != 0 also keeps the dates within that year ±1. Returns
 * the number of bad fields (0 = *out is complete); each gets a sentence naming the field
 * and saying what to do. Strings of *out and the messages live in a. */
int activity_validate(const activity_input_t *in, int campaign_year, arena_t *a,
                      activity_fields_t *out /* OUT */, activity_errors_t *errs /* OUT */);

/* 1 if s is an acceptable online-meeting link: http/https, a host with a dot (or
 * localhost), no spaces or control characters, at most ACTIVITY_LINK_MAX bytes. */
int activity_link_ok(const char *s);

/* Check an outcome: status planned/held/cancelled; held needs actual participants (0 ..
 * 1,000,000) and a start in the past (start_at <= now); the note at most
 * ACTIVITY_OUTCOME_MAX bytes. 0 with *status_out (the code), *actual (-1 unless held) and
 * *note (trimmed; "" when planned), or the number of bad fields with messages in errs
 * (AF_STATUS, AF_ACTUAL, AF_OUTCOME). */
int activity_validate_outcome(const char *status, const char *actual, const char *note,
                              int64_t start_at, int64_t now, arena_t *a,
                              const char **status_out /* OUT */, int64_t *actual_out /* OUT */,
                              const char **note_out /* OUT */, activity_errors_t *errs /* OUT */);

/* ---- iCalendar (RFC 5545) ---- */

/* Appends TEXT with its escapes: backslash, ';', ',' and newlines (CRLF, CR, LF -> "\n").
 * Other control characters are dropped. */
void ical_escape(const char *s, buf_t *out);
/* Appends one content line "name:value" (value already escaped), folded so that no line
 * exceeds 75 octets without splitting a UTF-8 sequence, each line ending in CRLF. */
void ical_line(buf_t *out, const char *name, const char *value);
/* Appends "20221006T000000Z" for Unix time t. */
void ical_utc(int64_t t, buf_t *out);

typedef struct ical_event {
	const char *uid;         /* "activity-12@example.vn" */
	int64_t stamp;           /* DTSTAMP and LAST-MODIFIED */
	int64_t start, end;      /* Unix seconds */
	const char *summary;     /* plain text: escaped here */
	const char *description; /* plain text, may hold newlines */
	const char *location;    /* "" = none */
	const char *url;         /* "" = none */
	const char *category;    /* "" = none */
	int cancelled;           /* STATUS:CANCELLED, else CONFIRMED */
	int64_t sequence;
} ical_event_t;

/* VCALENDAR header with the calendar's name (X-WR-CALNAME). */
void ical_begin(buf_t *out, const char *calname);
void ical_event(buf_t *out, const ical_event_t *e);
void ical_end(buf_t *out);

/* ---- demo data ---- */

/* Register about ten activities of Hải Phòng's 2022 Week (campaign_id, from
 * demo_campaign()) for the demo units of quận Hải An and huyện Tiên Lãng, with their
 * outcomes: held classes with participants, a cancelled one, a public opening ceremony.
 * Idempotent per campaign: does nothing when the campaign already has activities. -1 with
 * a message on stderr. */
int demo_activities(store_t *st, const unit_tree_t *t, int64_t campaign_id);

#endif
