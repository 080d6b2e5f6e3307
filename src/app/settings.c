/* The running server's settings (settings.h). */
#include "app/settings.h"

#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "core/log.h"
#include "core/mem.h"

struct retired_config {
	serve_config_t c;
	struct retired_config *next;
};

static void
log_config_line(void *arg, const char *text)
{
	(void)arg;
	log_info("config: %s", text);
}

/* Swaps in new address lists; the old set stays allocated (a request may be reading it)
 * until app_settings_free. */
static int
set_nets(app_t *app, const char *trusted, const char *metrics, char *err, size_t errlen)
{
	app_nets_t *n = xcalloc(1, sizeof *n);
	if (netlist_parse(trusted, &n->trusted, err, errlen) < 0 ||
	    netlist_parse(metrics, &n->metrics, err, errlen) < 0) {
		netlist_free(&n->trusted);
		free(n);
		return -1;
	}
	n->older = atomic_load(&app->settings.nets);
	atomic_store(&app->settings.nets, n);
	return 0;
}

int
app_settings_set_nets(app_t *app, const char *trusted, const char *metrics, char *err,
                      size_t errlen)
{
	const serve_config_t *e = &app->settings.eff;
	return set_nets(app, trusted ? trusted : conf_get(e, CONF_TRUSTED_PROXIES, NULL, 0),
	                metrics ? metrics : conf_get(e, CONF_METRICS_ALLOW, NULL, 0), err, errlen);
}

/* Applies the keys a running server can take; on failure nothing changed. */
static int
apply(app_t *app, const serve_config_t *eff, char *err, size_t errlen)
{
	if (set_nets(app, conf_get(eff, CONF_TRUSTED_PROXIES, NULL, 0),
	             conf_get(eff, CONF_METRICS_ALLOW, NULL, 0), err, errlen) < 0)
		return -1;
	log_set_level(log_level_parse(conf_get(eff, CONF_LOG_LEVEL, NULL, 0)));
	log_set_format(strcmp(conf_get(eff, CONF_LOG_FORMAT, NULL, 0), "json") == 0 ? LOG_JSON
	                                                                            : LOG_TEXT);
	log_set_utc_offset(conf_utc_offset(eff));
	return 0;
}

int
app_settings_start(app_t *app, const char *config_path, const serve_config_t *flags,
                   serve_config_t *eff, char *err, size_t errlen)
{
	app_settings_t *s = &app->settings;
	s->config_path = config_path;
	s->flags = flags;
	s->eff = *eff;
	memset(eff, 0, sizeof *eff);
	if (apply(app, &s->eff, err, errlen) < 0)
		return -1;
	log_info("config: %s",
	         config_path ? config_path : "(no --config file: flags and defaults)");
	serve_config_describe(&s->eff, log_config_line, NULL);
	return 0;
}

void
app_settings_reload(void *arg)
{
	app_t *app = arg;
	app_settings_t *s = &app->settings;
	if (s->config_path == NULL) {
		log_info("SIGHUP: no --config file, nothing to reload");
		return;
	}
	char err[1024];
	serve_config_t file, eff = {0};
	if (serve_config_load(s->config_path, &file, err, sizeof err) < 0) {
		log_error("configuration not reloaded, the server goes on as it was: %s", err);
		return;
	}
	serve_config_merge(s->flags, &file, &eff);
	serve_config_free(&file);
	if (apply(app, &eff, err, sizeof err) < 0) {
		log_error("configuration not reloaded: %s", err);
		serve_config_free(&eff);
		return;
	}
	for (int k = 0; k < CONF_NKEYS; k++) {
		char t1[1024], t2[1024];
		const char *was = conf_get(&s->eff, k, t1, sizeof t1);
		const char *now = conf_get(&eff, k, t2, sizeof t2);
		int changed = (was == NULL) != (now == NULL) || (was && strcmp(was, now) != 0);
		if (!changed)
			continue;
		if (conf_key(k)->reload)
			log_info("config: %s changed (applied)", conf_key(k)->name);
		else
			log_warn("config: %s changed; it takes effect at the next restart",
			         conf_key(k)->name);
	}
	struct retired_config *r = xcalloc(1, sizeof *r);
	r->c = s->eff;
	r->next = s->retired;
	s->retired = r;
	s->eff = eff;
	log_info("configuration reloaded from %s", s->config_path);
}

int
app_trusted_proxy(void *arg, const char *ip)
{
	app_t *app = arg;
	app_nets_t *n = atomic_load(&app->settings.nets);
	if (n == NULL)
		return strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0;
	return netlist_match(&n->trusted, ip);
}

int
app_metrics_allowed(app_t *app, const char *ip)
{
	app_nets_t *n = atomic_load(&app->settings.nets);
	if (n == NULL)
		return strcmp(ip, "127.0.0.1") == 0 || strcmp(ip, "::1") == 0;
	return netlist_match(&n->metrics, ip);
}

void
app_settings_free(app_t *app)
{
	app_nets_t *n = atomic_load(&app->settings.nets);
	while (n != NULL) {
		app_nets_t *older = n->older;
		netlist_free(&n->trusted);
		netlist_free(&n->metrics);
		free(n);
		n = older;
	}
	atomic_store(&app->settings.nets, NULL);
	serve_config_free(&app->settings.eff);
	while (app->settings.retired != NULL) {
		struct retired_config *r = app->settings.retired;
		app->settings.retired = r->next;
		serve_config_free(&r->c);
		free(r);
	}
}
