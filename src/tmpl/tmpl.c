/* Mustache engine: each template is compiled once (tokenize, resolve standalone lines and
 * indentation, build a node tree in an arena); rendering only walks those trees, so many
 * threads can render from one set without locks. */
#include "tmpl/tmpl.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/mem.h"

/* A self-including partial or parent must fail cleanly instead of overflowing the stack. */
#define TMPL_MAX_DEPTH 64
/* Sections/blocks/parents open at once in one template: bounds render recursion too. */
#define TMPL_MAX_NEST 64
/* Symlink loops under a template directory must not recurse forever. */
#define TMPL_MAX_DIR_DEPTH 32
#define TMPL_MAX_DELIM 32

/* ---- compiled form ---- */

enum node_kind {
	N_TEXT,
	N_INDENT,       /* start of a template line: current indentation goes here */
	N_FIRST_INDENT, /* start of a block's content: indented only if the site starts a line */
	N_VAR,          /* escaped interpolation */
	N_RAW,          /* {{{x}}} and {{&x}} */
	N_SECTION,
	N_INVERTED,
	N_PARTIAL,
	N_PARENT, /* kids are the N_BLOCK arguments only */
	N_BLOCK,
};

typedef struct node node_t;
struct node {
	unsigned char kind;
	bool standalone; /* PARTIAL/PARENT: alone on its line, so ind indents every line */
	bool at_bol;     /* BLOCK: the site starts its line, so the first line gets indented */
	const char *str; /* TEXT: bytes; PARTIAL/PARENT/BLOCK: NUL-terminated name */
	size_t len;
	const char *ind; /* PARTIAL/PARENT: indentation of the tag; BLOCK: added indentation */
	size_t ind_len;
	const char **path; /* VAR/RAW/SECTION/INVERTED: dotted name; npath 0 is "." */
	size_t npath;
	uint64_t hash; /* PARTIAL/PARENT: of the name, for the set lookup */
	node_t *kids;
	size_t nkids;
};

typedef struct tmpl tmpl_t;
struct tmpl {
	const char *name;
	uint64_t hash;
	arena_t arena; /* owns the source copy, nodes and names */
	node_t *kids;
	size_t nkids;
	tmpl_t *next; /* hash chain */
};

struct tmpl_set {
	tmpl_t **bucket;
	size_t nbucket; /* power of two */
	size_t count;
};

static uint64_t
hash_name(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* ---- tokens ---- */

enum tok_kind {
	T_TEXT,
	T_VAR,
	T_RAW,
	T_SECTION,
	T_INVERTED,
	T_CLOSE,
	T_COMMENT,
	T_PARTIAL,
	T_PARENT,
	T_BLOCK,
	T_DELIM,
};

typedef struct tok {
	size_t start, len; /* TEXT: the text (never spans a newline); tags: the trimmed name */
	size_t match;      /* opener <-> closer */
	int line;
	unsigned char kind;
	bool line_start; /* first token of its line */
	bool drop;       /* TEXT: whitespace or line end removed by a standalone tag */
	bool left_sa;    /* tag: the line's leading whitespace belongs to it, not to the output */
	bool in_pb;      /* directly inside a parent's body (closers: where their opener is) */
} tok_t;

typedef struct comp {
	const char *name;
	const char *src;
	size_t len;
	tok_t *toks;
	size_t ntoks, cap;
	arena_t *arena;
	char *err;
	size_t errlen;
} comp_t;

static int __attribute__((format(printf, 3, 4)))
comp_error(comp_t *c, int line, const char *fmt, ...)
{
	if (c->err == NULL || c->errlen == 0)
		return -1;
	int n = snprintf(c->err, c->errlen, "%s:%d: ", c->name, line);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static tok_t *
tok_push(comp_t *c, unsigned char kind, size_t start, size_t len, int line)
{
	if (c->ntoks == c->cap) {
		c->cap = c->cap ? size_mul(c->cap, 2) : 64;
		c->toks = xrealloc(c->toks, size_mul(c->cap, sizeof *c->toks));
	}
	tok_t *t = &c->toks[c->ntoks++];
	memset(t, 0, sizeof *t);
	t->kind = kind;
	t->start = start;
	t->len = len;
	t->line = line;
	return t;
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Text is cut after every newline so that each line's start is a token boundary. */
static void
push_text(comp_t *c, size_t a, size_t b, int *line)
{
	while (a < b) {
		const char *nl = memchr(c->src + a, '\n', b - a);
		size_t e = nl ? (size_t)(nl - c->src) + 1 : b;
		tok_push(c, T_TEXT, a, e - a, *line);
		if (nl)
			(*line)++;
		a = e;
	}
}

static bool
name_ok(const char *s, size_t n, bool dotted)
{
	for (size_t i = 0; i < n; i++)
		if (is_space(s[i]))
			return false;
	if (!dotted || (n == 1 && s[0] == '.'))
		return true;
	/* "a..b", ".a" and "a." would silently never match: refuse them */
	if (s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return false;
	return true;
}

static int
set_delims(comp_t *c, const char *s, size_t n, int line, char *otag, size_t *olen, char *ctag,
           size_t *clen)
{
	size_t i = 0;
	while (i < n && !is_space(s[i]))
		i++;
	size_t a_len = i;
	while (i < n && is_space(s[i]))
		i++;
	const char *b = s + i;
	size_t b_len = n - i;
	bool ok = a_len > 0 && b_len > 0 && a_len <= TMPL_MAX_DELIM && b_len <= TMPL_MAX_DELIM;
	for (size_t k = 0; ok && k < b_len; k++)
		ok = !is_space(b[k]) && b[k] != '=';
	for (size_t k = 0; ok && k < a_len; k++)
		ok = s[k] != '=';
	if (!ok)
		return comp_error(c, line, "bad delimiter change \"%.*s\"", (int)n, s);
	memcpy(otag, s, a_len);
	*olen = a_len;
	memcpy(ctag, b, b_len);
	*clen = b_len;
	return 0;
}

static int
tokenize(comp_t *c)
{
	char otag[TMPL_MAX_DELIM] = "{{", ctag[TMPL_MAX_DELIM] = "}}";
	size_t olen = 2, clen = 2;
	char endseq[TMPL_MAX_DELIM + 1];
	const char *src = c->src;
	size_t len = c->len, pos = 0;
	int line = 1;

	while (pos < len) {
		const char *o = memmem(src + pos, len - pos, otag, olen);
		size_t tstart = o ? (size_t)(o - src) : len;
		push_text(c, pos, tstart, &line);
		if (o == NULL)
			break;
		size_t p = tstart + olen;
		char sig = p < len ? src[p] : '\0';
		unsigned char kind;
		size_t elen = 0;
		switch (sig) {
		case '#': kind = T_SECTION; break;
		case '^': kind = T_INVERTED; break;
		case '/': kind = T_CLOSE; break;
		case '!': kind = T_COMMENT; break;
		case '>': kind = T_PARTIAL; break;
		case '<': kind = T_PARENT; break;
		case '$': kind = T_BLOCK; break;
		case '&': kind = T_RAW; break;
		case '{': kind = T_RAW, endseq[elen++] = '}'; break;
		case '=': kind = T_DELIM, endseq[elen++] = '='; break;
		default: kind = T_VAR; break;
		}
		if (kind != T_VAR)
			p++;
		memcpy(endseq + elen, ctag, clen);
		elen += clen;
		const char *e = p <= len ? memmem(src + p, len - p, endseq, elen) : NULL;
		if (e == NULL)
			return comp_error(c, line, "unclosed tag (no \"%.*s\" after \"%.*s\")",
			                  (int)elen, endseq, (int)olen, otag);
		size_t a = p, b = (size_t)(e - src);
		size_t tend = b + elen;
		int tline = line;
		for (size_t k = tstart; k < tend; k++)
			if (src[k] == '\n')
				line++;
		pos = tend;
		while (a < b && is_space(src[a]))
			a++;
		while (b > a && is_space(src[b - 1]))
			b--;
		if (kind == T_DELIM) {
			if (set_delims(c, src + a, b - a, tline, otag, &olen, ctag, &clen) < 0)
				return -1;
		} else if (kind != T_COMMENT) {
			if (a == b)
				return comp_error(c, tline, "empty tag");
			bool dotted = kind == T_VAR || kind == T_RAW || kind == T_SECTION ||
			              kind == T_INVERTED || kind == T_CLOSE;
			if (!name_ok(src + a, b - a, dotted))
				return comp_error(c, tline, "invalid tag name \"%.*s\"",
				                  (int)(b - a), src + a);
		}
		tok_push(c, kind, a, b - a, tline);
	}
	for (size_t i = 0; i < c->ntoks; i++) {
		const tok_t *pr = i ? &c->toks[i - 1] : NULL;
		c->toks[i].line_start =
		        pr == NULL || (pr->kind == T_TEXT && src[pr->start + pr->len - 1] == '\n');
	}
	return 0;
}

static const char *
opener_word(unsigned char kind)
{
	switch (kind) {
	case T_PARENT: return "parent";
	case T_BLOCK: return "block";
	case T_INVERTED: return "inverted section";
	default: return "section";
	}
}

/* Pairs openers with closers and records which tags sit directly in a parent's body. */
static int
match_tags(comp_t *c)
{
	size_t stack[TMPL_MAX_NEST];
	int sp = 0;
	for (size_t i = 0; i < c->ntoks; i++) {
		tok_t *t = &c->toks[i];
		t->in_pb = sp > 0 && c->toks[stack[sp - 1]].kind == T_PARENT;
		switch (t->kind) {
		case T_SECTION:
		case T_INVERTED:
		case T_PARENT:
		case T_BLOCK:
			if (sp == TMPL_MAX_NEST)
				return comp_error(c, t->line, "sections nested deeper than %d",
				                  TMPL_MAX_NEST);
			stack[sp++] = i;
			break;
		case T_CLOSE: {
			const char *nm = c->src + t->start;
			if (sp == 0)
				return comp_error(c, t->line,
				                  "closing tag \"%.*s\" without an opening tag",
				                  (int)t->len, nm);
			tok_t *o = &c->toks[stack[sp - 1]];
			if (o->len != t->len || memcmp(c->src + o->start, nm, t->len) != 0)
				return comp_error(
				        c, t->line,
				        "mismatched closing tag \"%.*s\": expected \"%.*s\" "
				        "(opened on line %d)",
				        (int)t->len, nm, (int)o->len, c->src + o->start, o->line);
			o->match = i;
			t->match = stack[--sp];
			t->in_pb = o->in_pb;
			break;
		}
		default: break;
		}
	}
	if (sp > 0) {
		const tok_t *o = &c->toks[stack[sp - 1]];
		return comp_error(c, o->line, "unclosed %s \"%.*s\"", opener_word(o->kind),
		                  (int)o->len, c->src + o->start);
	}
	return 0;
}

/* Only blanks, optionally ending the line with \n or \r\n. */
static bool
blank_text(const comp_t *c, const tok_t *t)
{
	const char *s = c->src + t->start;
	size_t n = t->len;
	if (n && s[n - 1] == '\n')
		n -= (n >= 2 && s[n - 2] == '\r') ? 2 : 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* Nothing but blanks between the line start and token i. */
static bool
left_clear(const comp_t *c, size_t i)
{
	const tok_t *t = &c->toks[i];
	if (t->line_start)
		return true;
	const tok_t *pr = &c->toks[i - 1];
	return pr->kind == T_TEXT && pr->line_start && blank_text(c, pr);
}

/* Nothing but blanks between token i and the end of its line. */
static bool
right_clear(const comp_t *c, size_t i)
{
	if (i + 1 == c->ntoks)
		return true;
	const tok_t *nx = &c->toks[i + 1];
	if (nx->kind != T_TEXT || !blank_text(c, nx))
		return false;
	return c->src[nx->start + nx->len - 1] == '\n' || i + 2 == c->ntoks;
}

static void
take_left(comp_t *c, size_t i)
{
	c->toks[i].left_sa = true;
	if (!c->toks[i].line_start)
		c->toks[i - 1].drop = true;
}

static void
take_right(comp_t *c, size_t i)
{
	if (i + 1 < c->ntoks)
		c->toks[i + 1].drop = true;
}

/* Standalone lines. Parents and blocks follow ~inheritance.json: a parent pair is
 * standalone when its opener starts a line and its closer ends one; text in a parent's
 * body is ignored, so only the inner side of a direct block's tags matters. */
static void
mark_standalone(comp_t *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		const tok_t *t = &c->toks[i];
		switch (t->kind) {
		case T_SECTION:
		case T_INVERTED:
		case T_COMMENT:
		case T_PARTIAL:
		case T_DELIM:
			if (left_clear(c, i) && right_clear(c, i))
				take_left(c, i), take_right(c, i);
			break;
		case T_BLOCK:
			if (t->in_pb) {
				if (right_clear(c, i))
					take_right(c, i);
			} else if (left_clear(c, i)) {
				take_left(c, i);
				if (right_clear(c, i))
					take_right(c, i);
			}
			break;
		case T_CLOSE: {
			size_t o = t->match;
			unsigned char ok = c->toks[o].kind;
			if (ok == T_PARENT) {
				if (left_clear(c, o) && right_clear(c, i))
					take_left(c, o), take_right(c, i);
			} else if (ok == T_BLOCK && t->in_pb) {
				if (left_clear(c, i))
					take_left(c, i);
			} else if (left_clear(c, i) && right_clear(c, i)) {
				take_left(c, i), take_right(c, i);
			}
			break;
		}
		default: break;
		}
	}
}

/* ---- tree building ---- */

typedef struct frame {
	node_t node; /* the section/parent/block being filled (root: unused) */
	node_t *v;
	size_t n, cap;
	const char *strip; /* indentation removed from the start of every line inside */
	size_t strip_len;
	bool pending_first; /* block: nothing emitted yet */
} frame_t;

typedef struct builder {
	comp_t *c;
	frame_t *fr;
	int top;
	bool line_pending; /* the current line has not decided its indentation yet */
} builder_t;

static void
frame_add(frame_t *f, const node_t *nd)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? size_mul(f->cap, 2) : 8;
		f->v = xrealloc(f->v, size_mul(f->cap, sizeof *f->v));
	}
	f->v[f->n++] = *nd;
}

static size_t
blank_prefix(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* How much of s (a line start) the strip indentation removes. */
static size_t
common_blank(const char *s, size_t n, const char *w, size_t wn)
{
	size_t i = 0;
	while (i < n && i < wn && s[i] == w[i] && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* The first token that produces or encloses output on a line decides where that line's
 * indentation goes; tags that own their line start (standalone ones) emit none. */
static void
on_content(builder_t *b, const tok_t *t)
{
	frame_t *f = &b->fr[b->top];
	bool was_pending = b->line_pending;
	b->line_pending = false;
	if (f->node.kind == N_PARENT)
		return;
	node_t ind = {.kind = N_INDENT};
	if (f->pending_first) {
		f->pending_first = false;
		if (!t->left_sa && t->kind != T_CLOSE) {
			ind.kind = N_FIRST_INDENT;
			frame_add(f, &ind);
		}
		return;
	}
	if (was_pending && !t->left_sa)
		frame_add(f, &ind);
}

static void
split_path(comp_t *c, const tok_t *t, node_t *nd)
{
	const char *s = c->src + t->start;
	size_t n = t->len;
	if (n == 1 && s[0] == '.') {
		nd->npath = 0;
		return;
	}
	size_t parts = 1;
	for (size_t i = 0; i < n; i++)
		parts += s[i] == '.';
	nd->path = arena_alloc(c->arena, size_mul(parts, sizeof *nd->path));
	size_t k = 0, a = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '.') {
			nd->path[k++] = arena_strndup(c->arena, s + a, i - a);
			a = i + 1;
		}
	}
	nd->npath = parts;
}

/* Whitespace that precedes tag i on its line, less what the enclosing strip removes. */
static void
lead_blank(builder_t *b, size_t i, const char **p, size_t *n)
{
	comp_t *c = b->c;
	*p = "";
	*n = 0;
	if (c->toks[i].line_start)
		return;
	const tok_t *pr = &c->toks[i - 1];
	const frame_t *f = &b->fr[b->top];
	size_t off = common_blank(c->src + pr->start, pr->len, f->strip, f->strip_len);
	*p = c->src + pr->start + off;
	*n = pr->len - off;
}

static void
open_block(builder_t *b, size_t i)
{
	comp_t *c = b->c;
	const tok_t *t = &c->toks[i];
	frame_t *f = &b->fr[b->top];
	const char *w = NULL; /* raw indentation of the block's content, if known */
	size_t wn = 0;
	bool rc = right_clear(c, i);

	if (rc && (t->in_pb || t->left_sa)) {
		/* opener alone at the end of its line: the content's own (intrinsic)
		 * indentation is that of its first line */
		w = "";
		if (i + 2 < c->ntoks && c->toks[i + 2].kind == T_TEXT) {
			const tok_t *nx = &c->toks[i + 2];
			w = c->src + nx->start;
			wn = blank_prefix(w, nx->len);
		}
	} else if (t->left_sa || (t->in_pb && left_clear(c, i))) {
		w = "";
		if (!t->line_start) {
			const tok_t *pr = &c->toks[i - 1];
			w = c->src + pr->start;
			wn = pr->len;
		}
	}

	frame_t *nf = &b->fr[++b->top];
	memset(nf, 0, sizeof *nf);
	nf->node.kind = N_BLOCK;
	nf->node.str = arena_strndup(c->arena, c->src + t->start, t->len);
	nf->pending_first = true;
	if (w) {
		/* indentation is removed here and re-added, relative to the enclosing
		 * content, wherever the block lands */
		size_t off = common_blank(w, wn, f->strip, f->strip_len);
		nf->strip = w;
		nf->strip_len = wn;
		if (!t->in_pb && t->left_sa) {
			nf->node.at_bol = true;
			nf->node.ind = w + off;
			nf->node.ind_len = wn - off;
		}
	} else {
		nf->strip = f->strip;
		nf->strip_len = f->strip_len;
	}
}

static void
open_frame(builder_t *b, const node_t *nd)
{
	frame_t *f = &b->fr[b->top];
	frame_t *nf = &b->fr[++b->top];
	memset(nf, 0, sizeof *nf);
	nf->node = *nd;
	nf->strip = f->strip;
	nf->strip_len = f->strip_len;
}

static void
seal(comp_t *c, frame_t *f, node_t **kids, size_t *nkids)
{
	*kids = NULL;
	*nkids = f->n;
	if (f->n) {
		*kids = arena_alloc(c->arena, size_mul(f->n, sizeof **kids));
		memcpy(*kids, f->v, f->n * sizeof **kids);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

static void
close_frame(builder_t *b)
{
	frame_t *f = &b->fr[b->top];
	if (f->node.kind == N_PARENT) {
		/* the body's text is ignored: only its blocks are arguments */
		size_t k = 0;
		for (size_t j = 0; j < f->n; j++)
			if (f->v[j].kind == N_BLOCK)
				f->v[k++] = f->v[j];
		f->n = k;
	}
	seal(b->c, f, &f->node.kids, &f->node.nkids);
	b->top--;
	frame_add(&b->fr[b->top], &f->node);
}

static void
build(comp_t *c, node_t **kids, size_t *nkids)
{
	builder_t b = {.c = c, .fr = xcalloc(TMPL_MAX_NEST + 1, sizeof(frame_t))};
	b.fr[0].node.kind = N_TEXT; /* root: anything but a parent */

	for (size_t i = 0; i < c->ntoks; i++) {
		const tok_t *t = &c->toks[i];
		frame_t *f = &b.fr[b.top];
		bool in_pb = f->node.kind == N_PARENT;
		if (t->line_start)
			b.line_pending = true;

		if (t->kind == T_TEXT) {
			size_t off = 0;
			if (t->line_start)
				off = common_blank(c->src + t->start, t->len, f->strip,
				                   f->strip_len);
			if (t->drop || off == t->len)
				continue;
			on_content(&b, t);
			if (in_pb)
				continue;
			const char *s = c->src + t->start + off;
			size_t n = t->len - off;
			node_t *last = f->n ? &f->v[f->n - 1] : NULL;
			if (last && last->kind == N_TEXT && last->str + last->len == s) {
				last->len += n;
			} else {
				node_t nd = {.kind = N_TEXT, .str = s, .len = n};
				frame_add(f, &nd);
			}
			continue;
		}

		on_content(&b, t);
		node_t nd = {0};
		switch (t->kind) {
		case T_VAR:
		case T_RAW:
			if (in_pb)
				break;
			nd.kind = t->kind == T_VAR ? N_VAR : N_RAW;
			split_path(c, t, &nd);
			frame_add(f, &nd);
			break;
		case T_SECTION:
		case T_INVERTED:
			nd.kind = t->kind == T_SECTION ? N_SECTION : N_INVERTED;
			split_path(c, t, &nd);
			open_frame(&b, &nd);
			break;
		case T_PARTIAL:
		case T_PARENT:
			nd.kind = t->kind == T_PARTIAL ? N_PARTIAL : N_PARENT;
			nd.str = arena_strndup(c->arena, c->src + t->start, t->len);
			nd.hash = hash_name(nd.str);
			if (t->left_sa) {
				nd.standalone = true;
				lead_blank(&b, i, &nd.ind, &nd.ind_len);
			}
			if (t->kind == T_PARENT)
				open_frame(&b, &nd);
			else if (!in_pb)
				frame_add(f, &nd);
			break;
		case T_BLOCK: open_block(&b, i); break;
		case T_CLOSE: close_frame(&b); break;
		default: break; /* comments and delimiter changes leave nothing */
		}
	}
	seal(c, &b.fr[0], kids, nkids);
	free(b.fr);
}

static void
tmpl_free(tmpl_t *t)
{
	if (t == NULL)
		return;
	arena_free(&t->arena);
	free(t);
}

static tmpl_t *
compile(const char *name, const char *src, size_t len, char *err, size_t errlen)
{
	tmpl_t *t = xcalloc(1, sizeof *t);
	t->name = arena_strdup(&t->arena, name);
	t->hash = hash_name(t->name);
	comp_t c = {
	        .name = name,
	        .src = arena_strndup(&t->arena, src ? src : "", src ? len : 0),
	        .len = src ? len : 0,
	        .arena = &t->arena,
	        .err = err,
	        .errlen = errlen,
	};
	if (tokenize(&c) < 0 || match_tags(&c) < 0) {
		free(c.toks);
		tmpl_free(t);
		return NULL;
	}
	mark_standalone(&c);
	build(&c, &t->kids, &t->nkids);
	free(c.toks);
	return t;
}

/* ---- the set ---- */

tmpl_set_t *
tmpl_set_new(void)
{
	tmpl_set_t *set = xcalloc(1, sizeof *set);
	set->nbucket = 64;
	set->bucket = xcalloc(set->nbucket, sizeof *set->bucket);
	return set;
}

void
tmpl_set_free(tmpl_set_t *set)
{
	if (set == NULL)
		return;
	for (size_t i = 0; i < set->nbucket; i++) {
		tmpl_t *t = set->bucket[i];
		while (t) {
			tmpl_t *nx = t->next;
			tmpl_free(t);
			t = nx;
		}
	}
	free(set->bucket);
	free(set);
}

static const tmpl_t *
set_find(const tmpl_set_t *set, const char *name, uint64_t h)
{
	if (set == NULL)
		return NULL;
	for (const tmpl_t *t = set->bucket[h & (set->nbucket - 1)]; t; t = t->next)
		if (t->hash == h && strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

static void
set_insert(tmpl_set_t *set, tmpl_t *nt)
{
	tmpl_t **pp = &set->bucket[nt->hash & (set->nbucket - 1)];
	for (; *pp; pp = &(*pp)->next) {
		if ((*pp)->hash == nt->hash && strcmp((*pp)->name, nt->name) == 0) {
			nt->next = (*pp)->next;
			tmpl_free(*pp);
			*pp = nt;
			return;
		}
	}
	nt->next = NULL;
	*pp = nt;
	if (++set->count <= set->nbucket * 3 / 4)
		return;
	size_t nb = size_mul(set->nbucket, 2);
	tmpl_t **bk = xcalloc(nb, sizeof *bk);
	for (size_t i = 0; i < set->nbucket; i++) {
		tmpl_t *t = set->bucket[i];
		while (t) {
			tmpl_t *nx = t->next;
			t->next = bk[t->hash & (nb - 1)];
			bk[t->hash & (nb - 1)] = t;
			t = nx;
		}
	}
	free(set->bucket);
	set->bucket = bk;
	set->nbucket = nb;
}

int
tmpl_set_add(tmpl_set_t *set, const char *name, const char *src, size_t len, char *err,
             size_t errlen)
{
	tmpl_t *t = compile(name, src, len, err, errlen);
	if (t == NULL)
		return -1;
	set_insert(set, t);
	return 0;
}

int
tmpl_set_has(const tmpl_set_t *set, const char *name)
{
	return set_find(set, name, hash_name(name)) != NULL;
}

static void
io_error(char *err, size_t errlen, const char *path)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
}

static int
read_file(const char *path, buf_t *out, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		io_error(err, errlen, path);
		return -1;
	}
	for (;;) {
		buf_reserve(out, 65536);
		size_t n = fread(out->data + out->len, 1, 65536, fp);
		out->len += n;
		if (n < 65536)
			break;
	}
	out->data[out->len] = '\0';
	int bad = ferror(fp);
	fclose(fp);
	if (bad) {
		errno = EIO;
		io_error(err, errlen, path);
		return -1;
	}
	return 0;
}

static bool
has_suffix(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n > k && memcmp(s + n - k, suf, k) == 0;
}

/* path holds the directory being walked; names are taken relative to root_len. */
static int
load_walk(tmpl_set_t *set, buf_t *path, size_t root_len, int depth, char *err, size_t errlen)
{
	if (depth > TMPL_MAX_DIR_DEPTH) {
		if (err && errlen)
			snprintf(err, errlen, "%s: directories nested too deeply", path->data);
		return -1;
	}
	DIR *d = opendir(path->data);
	if (d == NULL) {
		io_error(err, errlen, path->data);
		return -1;
	}
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		size_t keep = path->len;
		buf_putc(path, '/');
		buf_puts(path, e->d_name);
		struct stat sb;
		if (stat(path->data, &sb) != 0) {
			io_error(err, errlen, path->data);
			rc = -1;
		} else if (S_ISDIR(sb.st_mode)) {
			rc = load_walk(set, path, root_len, depth + 1, err, errlen);
		} else if (S_ISREG(sb.st_mode) && has_suffix(path->data, path->len, ".mustache")) {
			buf_t src = BUF_INIT;
			rc = read_file(path->data, &src, err, errlen);
			if (rc == 0) {
				char *name =
				        xstrndup(path->data + root_len + 1,
				                 path->len - root_len - 1 - strlen(".mustache"));
				rc = tmpl_set_add(set, name, buf_cstr(&src), src.len, err, errlen);
				free(name);
			}
			buf_free(&src);
		}
		path->len = keep;
		path->data[keep] = '\0';
	}
	closedir(d);
	return rc;
}

int
tmpl_set_load_dir(tmpl_set_t *set, const char *dir, char *err, size_t errlen)
{
	buf_t path = BUF_INIT;
	buf_puts(&path, dir);
	while (path.len > 1 && path.data[path.len - 1] == '/')
		path.data[--path.len] = '\0';
	int rc = load_walk(set, &path, path.len, 0, err, errlen);
	buf_free(&path);
	return rc;
}

/* ---- rendering ---- */

typedef struct ctx ctx_t;
struct ctx {
	json_t *v;
	const ctx_t *up;
};

/* Parents being expanded, innermost first: their blocks override the callee's. */
typedef struct ovr ovr_t;
struct ovr {
	const node_t *parent;
	const ovr_t *up;
};

typedef struct rstate {
	const tmpl_set_t *set;
	buf_t *out;
	buf_t ind;       /* indentation stack; the current one is ind[base..len) */
	size_t ind_base; /* an inline partial starts afresh without losing the outer one */
	int depth;
} rstate_t;

static json_t *
lookup(const ctx_t *cx, const node_t *nd)
{
	if (nd->npath == 0)
		return cx->v;
	json_t *v = NULL;
	for (; cx; cx = cx->up)
		if (json_is_object(cx->v) && (v = json_object_get(cx->v, nd->path[0])) != NULL)
			break;
	/* only the first part walks the stack: later parts must resolve in its value */
	for (size_t i = 1; v && i < nd->npath; i++)
		v = json_is_object(v) ? json_object_get(v, nd->path[i]) : NULL;
	return v;
}

/* Falsey: missing, null, false, "" and []. Numbers (even 0) and objects are truthy. */
static bool
truthy(const json_t *v)
{
	if (v == NULL)
		return false;
	switch (json_typeof(v)) {
	case JSON_NULL:
	case JSON_FALSE: return false;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_ARRAY: return json_array_size(v) > 0;
	default: return true;
	}
}

static void
put_value(buf_t *out, const json_t *v, bool escape)
{
	if (v == NULL)
		return;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (escape)
			buf_append_html(out, json_string_value(v), json_string_length(v));
		else
			buf_append(out, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER: buf_printf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
	case JSON_REAL: {
		/* shortest form that reads back the same: 1.21 stays "1.21" */
		char tmp[40];
		double d = json_real_value(v);
		for (int prec = 15; prec <= 17; prec++) {
			snprintf(tmp, sizeof tmp, "%.*g", prec, d);
			if (strtod(tmp, NULL) == d)
				break;
		}
		buf_puts(out, tmp);
		break;
	}
	case JSON_TRUE: buf_puts(out, "true"); break;
	case JSON_FALSE: buf_puts(out, "false"); break;
	default: break; /* null renders empty; objects and arrays have no text form */
	}
}

static void
put_indent(rstate_t *st)
{
	if (st->ind.len > st->ind_base)
		buf_append(st->out, st->ind.data + st->ind_base, st->ind.len - st->ind_base);
}

static int render_nodes(rstate_t *st, const node_t *k, size_t n, const ctx_t *cx, const ovr_t *ov);

static int
render_include(rstate_t *st, const node_t *nd, const ctx_t *cx, const ovr_t *ov)
{
	const tmpl_t *t = set_find(st->set, nd->str, nd->hash);
	if (t == NULL)
		return 0;
	if (st->depth >= TMPL_MAX_DEPTH)
		return -1;
	size_t old_len = st->ind.len, old_base = st->ind_base;
	if (nd->standalone)
		buf_append(&st->ind, nd->ind, nd->ind_len);
	else
		st->ind_base = st->ind.len;
	/* a partial is a parent without arguments: outer overrides still reach it */
	ovr_t link = {nd, ov};
	st->depth++;
	int rc = render_nodes(st, t->kids, t->nkids, cx, nd->kind == N_PARENT ? &link : ov);
	st->depth--;
	st->ind.len = old_len;
	st->ind_base = old_base;
	return rc;
}

static const node_t *
find_arg(const node_t *parent, const char *name)
{
	for (size_t i = 0; i < parent->nkids; i++)
		if (strcmp(parent->kids[i].str, name) == 0)
			return &parent->kids[i];
	return NULL;
}

static int
render_block(rstate_t *st, const node_t *nd, const ctx_t *cx, const ovr_t *ov)
{
	const node_t *use = nd;
	const ovr_t *chain = ov;
	/* the outermost argument wins; it renders with the overrides its own author saw,
	 * which also stops a block from overriding itself forever */
	for (const ovr_t *o = ov; o; o = o->up) {
		const node_t *arg = find_arg(o->parent, nd->str);
		if (arg) {
			use = arg;
			chain = o->up;
		}
	}
	size_t old_len = st->ind.len;
	buf_append(&st->ind, nd->ind, nd->ind_len);
	const node_t *k = use->kids;
	size_t n = use->nkids;
	if (n && k[0].kind == N_FIRST_INDENT) {
		if (nd->at_bol)
			put_indent(st);
		k++, n--;
	}
	int rc = render_nodes(st, k, n, cx, chain);
	st->ind.len = old_len;
	return rc;
}

static int
render_nodes(rstate_t *st, const node_t *k, size_t n, const ctx_t *cx, const ovr_t *ov)
{
	for (size_t i = 0; i < n; i++) {
		const node_t *nd = &k[i];
		switch (nd->kind) {
		case N_TEXT: buf_append(st->out, nd->str, nd->len); break;
		case N_INDENT: put_indent(st); break;
		case N_VAR:
		case N_RAW: put_value(st->out, lookup(cx, nd), nd->kind == N_VAR); break;
		case N_SECTION: {
			json_t *v = lookup(cx, nd);
			if (json_is_array(v)) {
				for (size_t j = 0; j < json_array_size(v); j++) {
					ctx_t sub = {json_array_get(v, j), cx};
					if (render_nodes(st, nd->kids, nd->nkids, &sub, ov) < 0)
						return -1;
				}
			} else if (truthy(v)) {
				ctx_t sub = {v, cx};
				if (render_nodes(st, nd->kids, nd->nkids, &sub, ov) < 0)
					return -1;
			}
			break;
		}
		case N_INVERTED:
			if (!truthy(lookup(cx, nd)) &&
			    render_nodes(st, nd->kids, nd->nkids, cx, ov) < 0)
				return -1;
			break;
		case N_PARTIAL:
		case N_PARENT:
			if (render_include(st, nd, cx, ov) < 0)
				return -1;
			break;
		case N_BLOCK:
			if (render_block(st, nd, cx, ov) < 0)
				return -1;
			break;
		default: break;
		}
	}
	return 0;
}

static int
render_tmpl(const tmpl_set_t *set, const tmpl_t *t, json_t *ctx, buf_t *out)
{
	rstate_t st = {.set = set, .out = out};
	ctx_t root = {ctx, NULL};
	size_t base = out->len;
	int rc = render_nodes(&st, t->kids, t->nkids, &root, NULL);
	buf_free(&st.ind);
	if (rc < 0 && out->data) {
		/* never hand back half a page */
		out->len = base;
		out->data[base] = '\0';
	}
	return rc;
}

int
tmpl_render(const tmpl_set_t *set, const char *name, json_t *ctx, buf_t *out)
{
	const tmpl_t *t = set_find(set, name, hash_name(name));
	if (t == NULL)
		return -1;
	return render_tmpl(set, t, ctx, out);
}

int
tmpl_render_string(const tmpl_set_t *partials, const char *src, size_t len, json_t *ctx, buf_t *out,
                   char *err, size_t errlen)
{
	tmpl_t *t = compile("<string>", src, len, err, errlen);
	if (t == NULL)
		return -1;
	int rc = render_tmpl(partials, t, ctx, out);
	if (rc < 0 && err && errlen)
		snprintf(err, errlen, "<string>: partials nested deeper than %d", TMPL_MAX_DEPTH);
	tmpl_free(t);
	return rc;
}
