/* The running server's settings from the configuration (service/serve_config.h): what the
 * app applies at start and again on SIGHUP (log level and format, log time zone, trusted
 * proxies, who may read /metrics), and the reload itself. */
#ifndef SUOTDOI_APP_SETTINGS_H
#define SUOTDOI_APP_SETTINGS_H

#include <stdatomic.h>
#include <stddef.h>

#include "core/netlist.h"
#include "service/serve_config.h"

struct app;

/* The address lists a request checks; replaced whole on reload (readers take the pointer
 * once per check; replaced sets are kept until app_settings_free). */
typedef struct app_nets {
	netlist_t trusted; /* trusted_proxies */
	netlist_t metrics; /* metrics_allow */
	struct app_nets *older;
} app_nets_t;

typedef struct app_settings {
	const char *config_path;     /* --config, or NULL: nothing to reload */
	const serve_config_t *flags; /* the command line's keys (they win over the file) */
	serve_config_t eff;          /* in force now */
	/* the configurations replaced by reloads: kept until app_settings_free, since what
	 * was read at start (public_url, sign_keys, the mail settings) points into them */
	struct retired_config *retired;
	app_nets_t *_Atomic nets;
} app_settings_t;

/* Takes eff (moved into the app: *eff is left empty) and applies it. -1 with err. */
int app_settings_start(struct app *app, const char *config_path, const serve_config_t *flags,
                       serve_config_t *eff, char *err, size_t errlen);
/* Replaces the address lists (NULL: keep that one as it is), as a reload does: for tests
 * and callers without a configuration. -1 with err naming the bad entry. */
int app_settings_set_nets(struct app *app, const char *trusted, const char *metrics, char *err,
                          size_t errlen);
/* SIGHUP: re-read the file, apply what can change while running, log what needs a restart;
 * a file with an error changes nothing (the error is logged, naming the line). */
void app_settings_reload(void *app);
/* http_config_t.trusted_proxy */
int app_trusted_proxy(void *app, const char *ip);
/* 1 when ip may read /metrics */
int app_metrics_allowed(struct app *app, const char *ip);
void app_settings_free(struct app *app);

#endif
