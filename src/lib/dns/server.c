/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Server addresses: parsing "ADDR[:PORT]" and "[V6]:PORT", comparing them,
 * and reading the nameserver lines of resolv.conf. No sockets, no ldns.
 */
#include "dns/query.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void al_dns_server_set_text(al_dns_server *s)
{
	char host[INET6_ADDRSTRLEN] = "?";
	if (s->addr.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)&s->addr;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
		snprintf(s->text, sizeof(s->text), "%s:%u", host, (unsigned)ntohs(in->sin_port));
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&s->addr;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
		snprintf(s->text, sizeof(s->text), "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
	}
}

al_status al_dns_server_parse(const char *text, uint16_t default_port, al_dns_server *out, al_error *err)
{
	memset(out, 0, sizeof(*out));
	if (text == NULL || text[0] == '\0')
		return al_error_set(err, AL_EINVAL, "an empty server address");
	char host[128];
	const char *port_text = NULL;
	size_t len = strlen(text);
	if (len >= sizeof(host))
		return al_error_set(err, AL_EINVAL, "'%.64s...': not an IP address", text);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL)
			return al_error_set(err, AL_EINVAL, "'%s': missing ']'", text);
		memcpy(host, text + 1, (size_t)(close - text - 1));
		host[close - text - 1] = '\0';
		if (close[1] == ':')
			port_text = close + 2;
		else if (close[1] != '\0')
			return al_error_set(err, AL_EINVAL, "'%s': expected ':PORT' after ']'", text);
	} else {
		const char *colon = strchr(text, ':');
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			memcpy(host, text, (size_t)(colon - text));
			host[colon - text] = '\0';
			port_text = colon + 1;
		} else {
			memcpy(host, text, len + 1); /* IPv4 without port, or bare IPv6 */
		}
	}
	unsigned long port = default_port;
	if (port_text != NULL) {
		char *end = NULL;
		if (port_text[0] < '0' || port_text[0] > '9')
			return al_error_set(err, AL_EINVAL, "'%s': the port is not a number", text);
		port = strtoul(port_text, &end, 10);
		if (*end != '\0' || port == 0 || port > 65535)
			return al_error_set(err, AL_EINVAL, "'%s': the port must be 1 to 65535", text);
	}
	struct sockaddr_in *in = (struct sockaddr_in *)&out->addr;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&out->addr;
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		out->addr_length = sizeof(*in);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		out->addr_length = sizeof(*in6);
	} else {
		memset(out, 0, sizeof(*out));
		return al_error_set(err, AL_EINVAL, "'%s': not an IPv4 or IPv6 address", text);
	}
	al_dns_server_set_text(out);
	return AL_OK;
}

bool al_dns_sockaddr_equal(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)a, *y = (const void *)b;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)a, *y = (const void *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

bool al_dns_server_equal(const al_dns_server *a, const al_dns_server *b)
{
	return al_dns_sockaddr_equal(&a->addr, &b->addr);
}

al_status al_dns_read_resolv_conf(const char *path, al_dns_server *out, size_t max, size_t *count,
				  al_error *err)
{
	*count = 0;
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return al_error_set(err, AL_EIO, "%s: %s", path, strerror(errno));
	char line[512];
	unsigned long lineno = 0;
	while (fgets(line, sizeof(line), f) != NULL && lineno < 100000) {
		lineno++;
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "nameserver", 10) != 0 || (p[10] != ' ' && p[10] != '\t'))
			continue;
		p += 10;
		while (*p == ' ' || *p == '\t')
			p++;
		char *e = p;
		while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r' && *e != '#' && *e != ';')
			e++;
		*e = '\0';
		/* a scope id (fe80::1%eth0) is not supported: skip it */
		if (*p == '\0' || strchr(p, '%') != NULL || *count >= max)
			continue;
		if (al_dns_server_parse(p, 53, &out[*count], NULL) == AL_OK)
			(*count)++;
	}
	fclose(f);
	return AL_OK;
}
