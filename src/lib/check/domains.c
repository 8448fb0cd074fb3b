/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The domains of a bulk run: read from a list, normalised, each once, with
 * optional DKIM selectors per domain; sharding by a hash of the name.
 */
#include <authlint/bulk.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/hash.h"
#include "util/grow.h"

#define MAX_LINE 4096
/* the most a list may hold: a stream that never ends (/dev/zero) stops here */
#define MAX_LIST_BYTES ((unsigned long long)1 << 30)
#define MAX_SELECTORS_PER_DOMAIN 64
#define MAX_PROBLEMS 1000

typedef struct domain_item {
	const char *name;
	const char **selectors;
	size_t selector_count;
} domain_item;

struct al_domain_list {
	al_arena arena;
	domain_item *items;
	size_t count, capacity;
	al_map index; /* name -> item index + 1 */
	char **problems;
	size_t problem_count, problems_dropped;
};

al_status al_domain_list_new(al_domain_list **out)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return AL_ENOMEM;
	al_arena_init(&(*out)->arena);
	al_map_init(&(*out)->index, false);
	return AL_OK;
}

void al_domain_list_free(al_domain_list *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->problem_count; i++)
		free(l->problems[i]);
	free(l->problems);
	free(l->items);
	al_map_free(&l->index);
	al_arena_clear(&l->arena);
	free(l);
}

static void add_problem(al_domain_list *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add_problem(al_domain_list *l, const char *fmt, ...)
{
	if (l->problem_count >= MAX_PROBLEMS) {
		l->problems_dropped++;
		return;
	}
	char buf[1200];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char **p = realloc(l->problems, (l->problem_count + 1) * sizeof(*p));
	if (p == NULL)
		return;
	l->problems = p;
	l->problems[l->problem_count] = strdup(buf);
	if (l->problems[l->problem_count] != NULL)
		l->problem_count++;
}

static bool merge_selector(al_domain_list *l, domain_item *it, const char *sel)
{
	for (size_t i = 0; i < it->selector_count; i++)
		if (strcmp(it->selectors[i], sel) == 0)
			return true;
	if (it->selector_count >= MAX_SELECTORS_PER_DOMAIN)
		return false;
	const char **p = al_arena_alloc(&l->arena, (it->selector_count + 1) * sizeof(*p));
	if (p == NULL)
		return false;
	if (it->selector_count > 0)
		memcpy(p, it->selectors, it->selector_count * sizeof(*p));
	p[it->selector_count] = al_arena_strdup(&l->arena, sel);
	if (p[it->selector_count] == NULL)
		return false;
	it->selectors = p;
	it->selector_count++;
	return true;
}

al_status al_domain_list_add(al_domain_list *l, const char *line, al_error *err)
{
	/* the fields: DOMAIN [SELECTOR...] */
	const char *fields[MAX_SELECTORS_PER_DOMAIN + 1];
	size_t lengths[MAX_SELECTORS_PER_DOMAIN + 1];
	size_t n = 0;
	for (const char *p = line; *p && *p != '#';) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		const char *s = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n' && *p != '#')
			p++;
		if (n == MAX_SELECTORS_PER_DOMAIN + 1)
			return al_error_set(err, AL_ELIMIT, "more than %d selectors for one domain",
					    MAX_SELECTORS_PER_DOMAIN);
		fields[n] = s;
		lengths[n] = (size_t)(p - s);
		n++;
	}
	if (n == 0)
		return al_error_set(err, AL_EINVAL, "no domain");
	char name[AL_NAME_MAX];
	al_error why;
	if (al_name_normalize(fields[0], lengths[0], name, &why) != AL_OK)
		return al_error_set(err, AL_EINVAL, "'%.*s' is not a domain name: %s", (int)(lengths[0] > 300 ? 300 : lengths[0]),
				    fields[0], why.message);
	if (strcmp(name, ".") == 0)
		return al_error_set(err, AL_EINVAL, "the root is not a domain to check");
	char sels[MAX_SELECTORS_PER_DOMAIN][AL_NAME_MAX];
	for (size_t i = 1; i < n; i++)
		if (al_name_normalize(fields[i], lengths[i], sels[i - 1], &why) != AL_OK ||
		    strcmp(sels[i - 1], ".") == 0)
			return al_error_set(err, AL_EINVAL, "'%.*s' is not a DKIM selector",
					    (int)(lengths[i] > 300 ? 300 : lengths[i]), fields[i]);
	void *found = al_map_get(&l->index, name);
	domain_item *it;
	if (found != NULL) {
		it = &l->items[(size_t)(uintptr_t)found - 1];
	} else {
		if (!AL_GROW_ONE(l->items, l->count, l->capacity))
			return al_error_set(err, AL_ENOMEM, "out of memory");
		it = &l->items[l->count];
		memset(it, 0, sizeof(*it));
		it->name = al_arena_strdup(&l->arena, name);
		if (it->name == NULL || !al_map_put(&l->index, it->name, (void *)(uintptr_t)(l->count + 1)))
			return al_error_set(err, AL_ENOMEM, "out of memory");
		l->count++;
	}
	for (size_t i = 1; i < n; i++)
		if (!merge_selector(l, it, sels[i - 1]))
			return al_error_set(err, AL_ELIMIT, "too many selectors for %s", name);
	return AL_OK;
}

/* The next line of @p stream into @p line (MAX_LINE + 1 bytes and the NUL at
 * most are kept; *got is its whole length); false at the end of the stream. */
static bool next_line(FILE *stream, char line[MAX_LINE + 2], size_t *got, unsigned long long *total)
{
	size_t n = 0, kept = 0;
	int c;
	while ((c = getc_unlocked(stream)) != EOF) {
		n++;
		if (kept <= MAX_LINE)
			line[kept++] = (char)c;
		if (c == '\n' || ++*total > MAX_LIST_BYTES)
			break;
	}
	line[kept] = '\0';
	*got = n;
	return n > 0;
}

static al_status read_lines(al_domain_list *l, FILE *stream, const char *label, char *line, al_error *err)
{
	unsigned long lineno = 0;
	unsigned long long total = 0;
	size_t got;
	errno = 0;
	while (next_line(stream, line, &got, &total)) {
		if (total > MAX_LIST_BYTES)
			return al_error_set(err, AL_ELIMIT, "%s: larger than 1 GiB, the limit for a domain list",
					    label);
		lineno++;
		if (got > MAX_LINE) {
			add_problem(l, "%s:%lu: a line longer than %d bytes", label, lineno, MAX_LINE);
			continue;
		}
		if (memchr(line, '\0', got) != NULL) {
			add_problem(l, "%s:%lu: a NUL byte in the line", label, lineno);
			continue;
		}
		const char *p = line;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		al_error e2;
		if (al_domain_list_add(l, line, &e2) != AL_OK) {
			if (e2.status == AL_ENOMEM)
				return al_error_set(err, AL_ENOMEM, "%s:%lu: out of memory", label, lineno);
			add_problem(l, "%s:%lu: %s", label, lineno, e2.message);
		}
	}
	if (ferror(stream) != 0) {
		int saved = errno;
		return al_error_set(err, AL_EIO, "%s: %s", label, saved ? strerror(saved) : "read error");
	}
	if (l->problems_dropped > 0 && l->problem_count == MAX_PROBLEMS)
		add_problem(l, "%s: more bad lines not listed", label);
	return AL_OK;
}

al_status al_domain_list_read(al_domain_list *l, FILE *stream, const char *label, al_error *err)
{
	char *line = malloc(MAX_LINE + 2);
	if (line == NULL)
		return al_error_set(err, AL_ENOMEM, "%s: out of memory", label);
	flockfile(stream); /* for getc_unlocked */
	al_status st = read_lines(l, stream, label, line, err);
	funlockfile(stream);
	free(line);
	return st;
}

size_t al_domain_list_count(const al_domain_list *l)
{
	return l->count;
}

const char *al_domain_list_at(const al_domain_list *l, size_t index)
{
	return index < l->count ? l->items[index].name : NULL;
}

const char *const *al_domain_list_selectors(const al_domain_list *l, size_t index, size_t *count)
{
	*count = 0;
	if (index >= l->count)
		return NULL;
	*count = l->items[index].selector_count;
	return l->items[index].selectors;
}

size_t al_domain_list_problem_count(const al_domain_list *l)
{
	return l->problem_count;
}

const char *al_domain_list_problem_at(const al_domain_list *l, size_t index)
{
	return index < l->problem_count ? l->problems[index] : NULL;
}

al_status al_shard_parse(const char *text, unsigned *k, unsigned *n, al_error *err)
{
	char *end = NULL;
	errno = 0;
	unsigned long a = strtoul(text, &end, 10);
	if (end == text || *end != '/' || errno != 0)
		return al_error_set(err, AL_EINVAL, "'%s' is not K/N", text);
	const char *b_text = end + 1;
	unsigned long b = strtoul(b_text, &end, 10);
	if (end == b_text || *end != '\0' || errno != 0)
		return al_error_set(err, AL_EINVAL, "'%s' is not K/N", text);
	if (b < 1 || b > 1000000 || a < 1 || a > b)
		return al_error_set(err, AL_EINVAL, "'%s': need 1 <= K <= N <= 1000000", text);
	*k = (unsigned)a;
	*n = (unsigned)b;
	return AL_OK;
}

al_status al_domain_list_filter(al_domain_list *l, bool (*keep)(void *userdata, size_t index, const char *name),
				void *userdata)
{
	size_t out = 0;
	al_map_free(&l->index);
	al_map_init(&l->index, false);
	for (size_t i = 0; i < l->count; i++) {
		if (!keep(userdata, i, l->items[i].name))
			continue;
		l->items[out] = l->items[i];
		if (!al_map_put(&l->index, l->items[out].name, (void *)(uintptr_t)(out + 1)))
			return AL_ENOMEM;
		out++;
	}
	l->count = out;
	return AL_OK;
}

typedef struct shard_of {
	unsigned k, n;
} shard_of;

static bool in_shard(void *userdata, size_t index, const char *name)
{
	(void)index;
	const shard_of *s = userdata;
	return al_hash_bytes(name, strlen(name)) % s->n == s->k - 1;
}

al_status al_domain_list_shard(al_domain_list *l, unsigned k, unsigned n)
{
	if (n == 0 || k < 1 || k > n)
		return AL_EINVAL;
	if (n == 1)
		return AL_OK;
	shard_of s = {k, n};
	return al_domain_list_filter(l, in_shard, &s);
}
