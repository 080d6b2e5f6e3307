/* tests/smtp_sink.py as a child process (helper_smtp_sink.h). */
#include "helper_smtp_sink.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef TEST_SOURCE_DIR
#error TEST_SOURCE_DIR
#endif

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 4096, len = 0;
	char *d = malloc(cap);
	size_t r;
	while ((r = fread(d + len, 1, cap - len - 1, f)) > 0) {
		len += r;
		if (cap - len < 2) {
			cap *= 2;
			d = realloc(d, cap);
		}
	}
	fclose(f);
	d[len] = '\0';
	return d;
}

int
smtp_sink_start(smtp_sink_t *s, const smtp_sink_opts_t *o)
{
	memset(s, 0, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/suotdoi-smtp-XXXXXX");
	if (mkdtemp(s->dir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	smtp_sink_opts_t none = {0};
	if (o == NULL)
		o = &none;
	int fd[2];
	if (pipe(fd) < 0)
		return -1;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		/* the sink goes when the test goes, however it ends */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(1);
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		/* Debian's python3 holds python3-aiosmtpd, whatever else is first on PATH */
		const char *py =
		        access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
		const char *argv[20];
		int n = 0;
		argv[n++] = py;
		argv[n++] = TEST_SOURCE_DIR "/tests/smtp_sink.py";
		argv[n++] = "--dir";
		argv[n++] = s->dir;
		char port[16];
		snprintf(port, sizeof port, "%d", o->port);
		argv[n++] = "--port";
		argv[n++] = port;
		if (o->user) {
			argv[n++] = "--user";
			argv[n++] = o->user;
			argv[n++] = "--password";
			argv[n++] = o->password ? o->password : "";
		}
		if (o->reject) {
			argv[n++] = "--reject";
			argv[n++] = o->reject;
		}
		if (o->tls_cert) {
			argv[n++] = "--tls-cert";
			argv[n++] = o->tls_cert;
			argv[n++] = "--tls-key";
			argv[n++] = o->tls_key;
			if (o->implicit_tls)
				argv[n++] = "--implicit-tls";
		}
		argv[n] = NULL;
		execvp(py, (char *const *)argv);
		_exit(127);
	}
	close(fd[1]);
	s->pid = pid;
	/* the sink prints its port once it listens */
	char line[32] = "";
	size_t len = 0;
	struct pollfd p = {fd[0], POLLIN, 0};
	while (len < sizeof line - 1 && !strchr(line, '\n')) {
		if (poll(&p, 1, 15000) <= 0)
			break;
		ssize_t r = read(fd[0], line + len, sizeof line - 1 - len);
		if (r <= 0)
			break;
		len += (size_t)r;
		line[len] = '\0';
	}
	close(fd[0]);
	s->port = atoi(line);
	if (s->port <= 0) {
		fprintf(stderr,
		        "smtp_sink: the sink did not start (is python3-aiosmtpd installed?)\n");
		smtp_sink_stop(s);
		return -1;
	}
	snprintf(s->url, sizeof s->url, "%s://127.0.0.1:%d", o->implicit_tls ? "smtps" : "smtp",
	         s->port);
	return 0;
}

void
smtp_sink_stop(smtp_sink_t *s)
{
	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		int st;
		while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR)
			;
		s->pid = 0;
	}
	if (s->dir[0]) {
		DIR *d = opendir(s->dir);
		if (d) {
			struct dirent *e;
			char path[1024];
			while ((e = readdir(d)) != NULL) {
				if (e->d_name[0] == '.')
					continue;
				snprintf(path, sizeof path, "%s/%s", s->dir, e->d_name);
				unlink(path);
			}
			closedir(d);
		}
		rmdir(s->dir);
		s->dir[0] = '\0';
	}
}

void
smtp_sink_fail(smtp_sink_t *s, int on)
{
	char path[600];
	snprintf(path, sizeof path, "%s/fail", s->dir);
	if (on) {
		FILE *f = fopen(path, "w");
		if (f)
			fclose(f);
	} else
		unlink(path);
}

int
smtp_sink_count(const smtp_sink_t *s)
{
	int n = 0;
	char path[600];
	for (;;) {
		snprintf(path, sizeof path, "%s/%04d.eml", s->dir, n + 1);
		if (access(path, F_OK) != 0)
			return n;
		n++;
	}
}

int
smtp_sink_wait(const smtp_sink_t *s, int n, int timeout_ms)
{
	for (int waited = 0;; waited += 20) {
		if (smtp_sink_count(s) >= n)
			return 1;
		if (waited >= timeout_ms)
			return 0;
		struct timespec ts = {0, 20 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

char *
smtp_sink_message(const smtp_sink_t *s, int n, char **env)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%04d.eml", s->dir, n);
	char *m = slurp(path);
	if (env) {
		snprintf(path, sizeof path, "%s/%04d.env", s->dir, n);
		*env = m ? slurp(path) : NULL;
	}
	return m;
}
