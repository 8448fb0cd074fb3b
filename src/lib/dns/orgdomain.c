/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Organizational domains by the Public Suffix List (RFC 7489 3.2) through
 * libpsl, and the names the RFC 9989 tree walk (section 4.10) asks. The list
 * is the caller's (al_psl_load_file), or the default, loaded once per process:
 * the system's file, else libpsl's built-in copy.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpsl.h>

#include <authlint/dmarc_discovery.h>

#include "dns/orgdomain.h"
#include "util/file.h"

struct al_psl {
	const psl_ctx_t *ctx; /* NULL: no list at all (libpsl built without one) */
	psl_ctx_t *owned;     /* freed with the list; NULL for the built-in one */
	char *source;         /* the file name, or a description */
};

static al_psl default_psl;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void default_init(void)
{
	/* loaded once and kept for the whole process, like libpsl's built-in list */
	psl_ctx_t *ctx = psl_load_file(AL_PSL_SYSTEM_FILE);
	if (ctx != NULL) {
		default_psl.ctx = ctx;
		default_psl.owned = ctx;
		default_psl.source = (char *)AL_PSL_SYSTEM_FILE;
	} else {
		default_psl.ctx = psl_builtin();
		default_psl.source = (char *)"libpsl built-in list";
	}
}

const al_psl *al_psl_default(void)
{
	pthread_once(&default_once, default_init);
	return &default_psl;
}

static const psl_ctx_t *ctx_of(const al_psl *psl)
{
	return (psl != NULL ? psl : al_psl_default())->ctx;
}

al_status al_psl_load_file(const char *file, al_psl **out, al_error *err)
{
	if (out == NULL)
		return AL_EINVAL;
	*out = NULL;
	if (file == NULL)
		return al_error_set(err, AL_EINVAL, "no Public Suffix List file given");
	/* libpsl says only "NULL": open it first for the reason; and libpsl reads a
	 * device (/dev/zero) or a FIFO for ever: only a regular file of a bounded size */
	int fd;
	size_t size;
	al_error why = {0};
	al_status st = al_file_open_regular(file, NULL, "a Public Suffix List", (size_t)64 << 20, &fd, &size, &why);
	if (st != AL_OK)
		return al_error_set(err, st == AL_ELIMIT ? AL_ELIMIT : AL_ENOENT,
				    "%s: cannot read the Public Suffix List: %s", file, why.message);
	close(fd);
	psl_ctx_t *ctx = psl_load_file(file);
	if (ctx == NULL)
		return al_error_set(err, AL_ESYNTAX, "%s: not a Public Suffix List (text or DAFSA)", file);
	/* a text list with no rule would make every name its own organization, in silence
	 * (a DAFSA does not tell its count: -1) */
	if (psl_suffix_count(ctx) == 0) {
		psl_free(ctx);
		return al_error_set(err, AL_ESYNTAX, "%s: the Public Suffix List holds no rule", file);
	}
	al_psl *p = calloc(1, sizeof(*p));
	char *source = strdup(file);
	if (p == NULL || source == NULL) {
		free(p);
		free(source);
		psl_free(ctx);
		return al_error_set(err, AL_ENOMEM, "out of memory");
	}
	p->ctx = ctx;
	p->owned = ctx;
	p->source = source;
	*out = p;
	return AL_OK;
}

void al_psl_free(al_psl *psl)
{
	if (psl == NULL || psl == &default_psl)
		return;
	psl_free(psl->owned);
	free(psl->source);
	free(psl);
}

const char *al_dmarc_psl_source(const al_psl *psl)
{
	if (psl == NULL)
		psl = al_psl_default();
	if (psl->ctx == NULL)
		return "no public suffix list";
	return psl->source;
}

const char *al_psl_registrable(const al_psl *psl, const char *domain)
{
	const psl_ctx_t *ctx = ctx_of(psl);
	if (ctx == NULL || domain == NULL)
		return NULL;
	return psl_registrable_domain(ctx, domain);
}

al_status al_dmarc_psl_organizational_domain(const al_psl *psl, const char *domain, char out[AL_NAME_MAX])
{
	al_error err;
	char norm[AL_NAME_MAX];
	if (domain == NULL || al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK ||
	    strcmp(norm, ".") == 0)
		return AL_EINVAL;
	const char *reg = al_psl_registrable(psl, norm);
	/* a public suffix has no registrable domain: it is its own */
	memcpy(out, reg != NULL ? reg : norm, strlen(reg != NULL ? reg : norm) + 1);
	return AL_OK;
}

bool al_psl_has_list(const al_psl *psl)
{
	return ctx_of(psl) != NULL;
}

int al_psl_suffix_as_is(const al_psl *psl, const char *name)
{
	const psl_ctx_t *ctx = ctx_of(psl);
	if (ctx == NULL || name == NULL)
		return -1;
	return psl_is_public_suffix(ctx, name) != 0;
}

bool al_dmarc_psl_is_public_suffix(const al_psl *psl, const char *domain)
{
	const psl_ctx_t *ctx = ctx_of(psl);
	al_error err;
	char norm[AL_NAME_MAX];
	if (ctx == NULL || domain == NULL || al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK)
		return false;
	return psl_is_public_suffix(ctx, norm) != 0;
}

size_t al_dmarc_tree_walk_names(const char *domain, const char *out[8])
{
	if (domain == NULL || domain[0] == '\0' || strcmp(domain, ".") == 0)
		return 0;
	/* label starts, left to right; escapes (\.) never hold a bare dot in our names */
	const char *starts[128];
	size_t labels = 0;
	const char *p = domain;
	starts[labels++] = p;
	for (; *p && labels < 128; p++)
		if (*p == '.' && p[1] != '\0')
			starts[labels++] = p + 1;
	size_t n = 0;
	out[n++] = domain;
	/* RFC 9989 4.10 step 4: 8 or more labels jump to the 7-label suffix */
	size_t next = labels >= 8 ? labels - 7 : 1;
	for (size_t i = next; i < labels && n < 8; i++)
		out[n++] = starts[i];
	return n;
}

bool al_same_organization(const al_psl *psl, const char *a, const char *b)
{
	char oa[AL_NAME_MAX], ob[AL_NAME_MAX];
	if (al_dmarc_psl_organizational_domain(psl, a, oa) != AL_OK ||
	    al_dmarc_psl_organizational_domain(psl, b, ob) != AL_OK)
		return al_name_equal(a, b);
	return al_name_equal(oa, ob);
}
