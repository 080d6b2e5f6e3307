/* Creating accounts: the validation and the two writes (user, role) shared by the web
 * form, the JSON API, bulk creation and the command line. Callers check who may create
 * (access_can_grant) and write the audit entries. */
#ifndef SUOTDOI_ACCOUNTS_H
#define SUOTDOI_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "db/store.h"
#include "domain/access.h"

/* The most bytes of an account's full name. */
#define ACCOUNT_NAME_MAX 200

typedef struct account_new {
	const char *username;          /* as typed; normalised here */
	const char *full_name, *email; /* may be NULL */
	role_t role;
	int64_t unit_id;
	const char *password_hash;
	int must_change_password;
	int64_t created_by; /* 0 = command line */
} account_new_t;

/* Validate and write the user and its role (inside the caller's transaction if one is
 * open). 0 with *id and the normalised username in norm (>= 72 bytes); 400 or 409 with a
 * Vietnamese message in msg; -1 on a store error. */
int accounts_create(store_t *st, const account_new_t *a, char *norm, int64_t *id /* OUT */,
                    char *msg, size_t msglen);

#endif
