/* Contests with citizen entries (cuộc thi, docs/contests.md): a unit organises a contest
 * (theme, rules, entry types, caps, dates, judges); citizens without an account send an
 * entry (text, a photo through libvips, or an audio/video file checked with libavformat,
 * src/media/av.c) and get a code to follow or withdraw it; the organiser's staff approve or
 * reject each entry before anything is public; judges score approved entries; the
 * organiser gives prizes and announces the results; contact data is emptied a set time
 * after. No HTTP: src/app/contest_pages.c adapts it. Media files live in cx->dir. */
#ifndef SUOTDOI_SERVICE_CONTEST_H
#define SUOTDOI_SERVICE_CONTEST_H

#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/store.h"
#include "domain/units.h"

#define CONTEST_TITLE_MAX 200  /* bytes */
#define CONTEST_TEXT_MAX 10000 /* theme, rules */
#define CONTEST_JUDGES_MAX 20
#define ENTRY_NAME_MAX 100
#define ENTRY_LOCALITY_MAX 150
#define ENTRY_TITLE_MAX 200
#define ENTRY_BODY_MAX 20000
#define ENTRY_REASON_MAX 500
#define ENTRY_COMMENT_MAX 1000
#define CONTEST_PHONE_PER_DAY 3   /* entries one phone may send in 24 hours */
#define CONTEST_RETENTION_DAYS 90 /* contact data kept this long after the results */
#define CONTEST_CODE_LEN 8

typedef enum contest_rc {
	CONTEST_OK = 0,
	CONTEST_ERR_STORE = -1,     /* logged, nothing written */
	CONTEST_ERR_INVALID = -2,   /* out->errs name the fields; nothing written */
	CONTEST_ERR_NOT_FOUND = -3, /* no such entry / code */
	CONTEST_ERR_CLOSED = -4,    /* outside the entry dates, or not in the right state */
	CONTEST_ERR_LIMIT = -5,     /* the phone's daily limit */
	CONTEST_ERR_TOO_BIG = -6,   /* the file over its cap (also in errs, field "file") */
} contest_rc_t;

typedef struct contest_ctx { /* borrowed */
	store_t *store;
	arena_t *arena; /* owns everything in the outcome */
	int64_t now;
	int64_t actor;   /* user id, 0 for a citizen */
	const char *dir; /* media files' directory (made when needed) */
} contest_ctx_t;

#define CONTEST_MAX_ERRS 16
typedef struct contest_out {
	const char *message; /* a Vietnamese sentence on every code */
	struct {
		const char *field, *msg;
	} errs[CONTEST_MAX_ERRS];
	int nerrs;
	int64_t id;       /* contest_save: the contest; contest_enter: the entry (0 honeypot) */
	const char *code; /* contest_enter */
} contest_out_t;

/* "draft", "upcoming", "open", "closed", "announced" at now, and its Vietnamese name. */
const char *contest_phase(const store_contest_t *c, int64_t now);
const char *contest_phase_name(const char *phase);
/* 1 when the contest takes entries of type ("text", "photo", "audio", "video"). */
int contest_takes(const store_contest_t *c, const char *type);
/* "Giải Nhất"... for a prize code, NULL for "" or unknown. */
const char *contest_prize_name(const char *code);

/* ---- the organiser ---- */

typedef struct contest_input {
	const char *title, *theme, *rules;
	const char *type_text, *type_photo, *type_audio, *type_video;    /* "1"/"on" = accepted */
	const char *audio_minutes, *video_minutes, *audio_mb, *video_mb; /* "" = the defaults */
	const char *starts, *ends, *results; /* dates as people type them */
	const char *status;                  /* "draft" or "published" */
	const char *judges;                  /* user names, separated by spaces, commas, lines */
} contest_input_t;

/* Check in and write the contest: old NULL creates one for the unit. Fields: title, theme,
 * rules, types, audio_minutes, video_minutes, audio_mb, video_mb, starts, ends, results,
 * status, judges. An announced contest cannot be edited (CONTEST_ERR_CLOSED). */
contest_rc_t contest_save(const contest_ctx_t *cx, const store_contest_t *old, int64_t unit_id,
                          const char *unit_path, const contest_input_t *in,
                          contest_out_t *out /* OUT */);
/* The contest into *c (strings in cx->arena): 1, 0 none, -1. */
int contest_load(const contest_ctx_t *cx, int64_t id, store_contest_t *c /* OUT */);

/* ---- citizens ---- */

typedef struct entry_input {
	const char *name, *phone, *email, *locality, *title, *body, *consent;
	const char *media;   /* "photo", "audio", "video" or "" (from the file when one type) */
	const char *website; /* the honeypot */
	const void *file;    /* NULL none */
	size_t file_len;
	const char *ip;
} entry_input_t;

/* Send an entry to contest c: pending, a code in out->code. A filled honeypot pretends
 * success and writes nothing. Fields: name, phone, email, locality, title, body, media,
 * file, consent. CONTEST_ERR_CLOSED outside the dates (the dates in the message),
 * CONTEST_ERR_LIMIT, CONTEST_ERR_TOO_BIG, CONTEST_ERR_INVALID, CONTEST_ERR_STORE; all or
 * nothing (the stored file is removed when the row cannot be written). */
contest_rc_t contest_enter(const contest_ctx_t *cx, const store_contest_t *c,
                           const entry_input_t *in, contest_out_t *out /* OUT */);
/* The entry with code in contest cid into *e (strings in cx->arena): 1, 0 none, -1. A code
 * is normalised as enrolment codes are. */
int contest_entry_by_code(const contest_ctx_t *cx, int64_t cid, const char *code,
                          store_contest_entry_t *e /* OUT */);
/* Withdraw with the code and the phone's last four digits: the file is deleted. Fields
 * code, phone4 (one sentence whether code or digits are wrong). */
contest_rc_t contest_withdraw(const contest_ctx_t *cx, int64_t cid, const char *code,
                              const char *phone4, contest_out_t *out /* OUT */);

/* ---- moderation, judging, results ---- */

/* Approve ("approve") or reject ("reject", reason required: field reason) entry id of c.
 * A rejected entry's file is deleted. */
contest_rc_t contest_moderate(const contest_ctx_t *cx, const store_contest_t *c, int64_t id,
                              const char *action, const char *reason, contest_out_t *out /* OUT */);
/* 1 when user is one of c's judges. */
int contest_is_judge(const contest_ctx_t *cx, int64_t contest_id, int64_t user);
/* A judge's score (0..100, field score) and comment of approved entry id. */
contest_rc_t contest_score(const contest_ctx_t *cx, const store_contest_t *c, int64_t id,
                           const char *score, const char *comment, contest_out_t *out);
/* A prize ("", "nhat", "nhi", "ba", "kk"; field prize) for approved entry id. */
contest_rc_t contest_prize(const contest_ctx_t *cx, const store_contest_t *c, int64_t id,
                           const char *prize, contest_out_t *out);
/* Announce the results of a closed contest (status announced). */
contest_rc_t contest_announce(const contest_ctx_t *cx, const store_contest_t *c,
                              contest_out_t *out);

typedef struct contest_rank {
	store_contest_entry_t e;
	int nscores;
	double average; /* -1 when unscored */
} contest_rank_t;
/* The approved entries of c by average score (unscored last), in cx->arena. 0 or -1. */
int contest_ranking(const contest_ctx_t *cx, int64_t cid, contest_rank_t **out, size_t *n);

/* Empty the contact data of entries of contests announced more than days ago and delete
 * the files of entries that were not approved. *n entries. 0 or -1. */
int contest_purge(const contest_ctx_t *cx, int days, int64_t *n /* OUT */);

/* The demo's contest (quận Hải An) with a few approved entries, media in dir; nothing when
 * a contest exists. 0 or -1. */
/* Write data to a new file with a random name and ext in cx->dir (created if missing); the
 * name in *name (cx->arena). 0, or -1 (logged). */
int contest_store_file(const contest_ctx_t *cx, const void *data, size_t len, const char *ext,
                       const char **name);
int demo_contest(store_t *st, const unit_tree_t *t, const char *dir);

#endif
