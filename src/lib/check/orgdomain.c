/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Organizational domains by the Public Suffix List (RFC 7489 3.2) through
 * libpsl, and the names the RFC 9989 tree walk (section 4.10) asks. The list
 * is loaded once per process: the system's file, else libpsl's built-in copy.
 */
#include <pthread.h>
#include <string.h>

#include <libpsl.h>

#include <authlint/dmarc_discovery.h>

#include "check/orgdomain.h"

static const psl_ctx_t *psl;
static const char *psl_file;        /* the file in use, or NULL for the built-in list */
static char psl_chosen[4096];       /* the caller's file (al_psl_load_file) */
static pthread_once_t psl_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t psl_lock = PTHREAD_MUTEX_INITIALIZER;

static void psl_init(void)
{
	/* the caller's list, else the system's, else libpsl's built-in copy; a
	 * context loaded from a file lives for the whole process, like the built-in one */
	pthread_mutex_lock(&psl_lock);
	if (psl == NULL) {
		psl_ctx_t *ctx = psl_load_file(AL_PSL_SYSTEM_FILE);
		if (ctx != NULL) {
			psl = ctx;
			psl_file = AL_PSL_SYSTEM_FILE;
		} else {
			psl = psl_builtin();
		}
	}
	pthread_mutex_unlock(&psl_lock);
}

al_status al_psl_load_file(const char *path, al_error *err)
{
	if (path == NULL)
		return al_error_set(err, AL_EINVAL, "no Public Suffix List file given");
	pthread_mutex_lock(&psl_lock);
	al_status st = AL_OK;
	if (psl != NULL) {
		st = al_error_set(err, AL_EINVAL, "%s: a Public Suffix List is already in use", path);
	} else if (strlen(path) >= sizeof(psl_chosen)) {
		st = al_error_set(err, AL_EINVAL, "%s: path too long", path);
	} else {
		psl_ctx_t *ctx = psl_load_file(path);
		if (ctx == NULL) {
			st = al_error_set(err, AL_EIO, "%s: not a Public Suffix List libpsl can read", path);
		} else {
			strcpy(psl_chosen, path);
			psl = ctx;
			psl_file = psl_chosen;
		}
	}
	pthread_mutex_unlock(&psl_lock);
	return st;
}

static const psl_ctx_t *psl_get(void)
{
	pthread_once(&psl_once, psl_init);
	return psl;
}

const char *al_dmarc_psl_source(void)
{
	const psl_ctx_t *ctx = psl_get();
	if (ctx == NULL)
		return "no public suffix list";
	return psl_file != NULL ? psl_file : "libpsl built-in list";
}

const char *al_psl_registrable(const char *domain)
{
	const psl_ctx_t *ctx = psl_get();
	if (ctx == NULL || domain == NULL)
		return NULL;
	return psl_registrable_domain(ctx, domain);
}

al_status al_dmarc_psl_organizational_domain(const char *domain, char out[AL_NAME_MAX])
{
	al_error err;
	char norm[AL_NAME_MAX];
	if (domain == NULL || al_name_normalize(domain, strlen(domain), norm, &err) != AL_OK ||
	    strcmp(norm, ".") == 0)
		return AL_EINVAL;
	const char *reg = al_psl_registrable(norm);
	/* a public suffix has no registrable domain: it is its own */
	memcpy(out, reg != NULL ? reg : norm, strlen(reg != NULL ? reg : norm) + 1);
	return AL_OK;
}

bool al_dmarc_psl_is_public_suffix(const char *domain)
{
	const psl_ctx_t *ctx = psl_get();
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

bool al_same_organization(const char *a, const char *b)
{
	char oa[AL_NAME_MAX], ob[AL_NAME_MAX];
	if (al_dmarc_psl_organizational_domain(a, oa) != AL_OK || al_dmarc_psl_organizational_domain(b, ob) != AL_OK)
		return al_name_equal(a, b);
	return al_name_equal(oa, ob);
}
