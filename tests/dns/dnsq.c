/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dnsq: drive the query engine (src/lib/dns/query.h) from tests. Every
 * question on the command line goes out at once on one engine; each reply is
 * printed as one JSON line, in the order of the questions.
 *
 *   dnsq [--timeout S] [--tries N] [--tcp] [--no-rd] [--no-edns] [--failover]
 *        --server ADDR [--server ADDR]... NAME TYPE [NAME TYPE]...
 *
 * TYPE is a number or TXT, A, AAAA, MX, NS, SOA, CNAME, PTR, SPF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/query.h"
#include "util/json.h"
#include "util/strbuf.h"

#define MAXQ 256

static al_dns_reply *replies[MAXQ];
static int done_count;

static void on_reply(void *userdata, al_dns_reply *reply)
{
	replies[(size_t)userdata] = reply;
	done_count++;
}

static int parse_type(const char *t)
{
	static const struct { const char *name; int type; } types[] = {
		{"A", 1}, {"NS", 2}, {"CNAME", 5}, {"SOA", 6}, {"PTR", 12}, {"MX", 15},
		{"TXT", 16}, {"AAAA", 28}, {"SPF", 99},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcasecmp(t, types[i].name) == 0)
			return types[i].type;
	return atoi(t);
}

static void put_str(al_strbuf *sb, const char *s)
{
	al_strbuf_putc(sb, '"');
	for (const char *p = s; p && *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			al_strbuf_printf(sb, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			al_strbuf_printf(sb, "\\u%04x", c);
		else
			al_strbuf_putc(sb, (char)c);
	}
	al_strbuf_putc(sb, '"');
}

static void put_rrs(al_strbuf *sb, const char *key, const al_rr *rrs, size_t n)
{
	al_strbuf_printf(sb, ",\"%s\":[", key);
	for (size_t i = 0; i < n; i++) {
		al_strbuf_printf(sb, "%s{\"owner\":", i ? "," : "");
		put_str(sb, rrs[i].owner);
		al_strbuf_printf(sb, ",\"type\":%u,\"ttl\":%u,\"rdata\":\"", (unsigned)rrs[i].type,
				 (unsigned)rrs[i].ttl);
		for (size_t k = 0; k < rrs[i].rdlength; k++)
			al_strbuf_printf(sb, "%02x", rrs[i].rdata[k]);
		al_strbuf_puts(sb, "\"}");
	}
	al_strbuf_putc(sb, ']');
}

int main(int argc, char **argv)
{
	al_dns_server servers[16];
	size_t server_count = 0;
	al_dns_request req;
	memset(&req, 0, sizeof(req));
	req.recursion_desired = true;
	al_dns_engine_options eo = {0};
	const char *names[MAXQ];
	int types[MAXQ];
	size_t qn = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
			req.timeout = atof(argv[++i]);
		} else if (strcmp(a, "--tries") == 0 && i + 1 < argc) {
			req.tries = (unsigned)atoi(argv[++i]);
		} else if (strcmp(a, "--tcp") == 0) {
			req.tcp_only = true;
		} else if (strcmp(a, "--no-rd") == 0) {
			req.recursion_desired = false;
		} else if (strcmp(a, "--no-edns") == 0) {
			req.no_edns = true;
		} else if (strcmp(a, "--failover") == 0) {
			req.failover_on_rcode = true;
		} else if (strcmp(a, "--server") == 0 && i + 1 < argc) {
			al_error err;
			if (server_count >= 16 || al_dns_server_parse(argv[++i], 53, &servers[server_count], &err) != AL_OK) {
				fprintf(stderr, "dnsq: bad server '%s'\n", argv[i]);
				return 2;
			}
			server_count++;
		} else if (i + 1 < argc && qn < MAXQ) {
			names[qn] = a;
			types[qn] = parse_type(argv[++i]);
			qn++;
		} else {
			fprintf(stderr, "dnsq: unexpected '%s'\n", a);
			return 2;
		}
	}
	if (server_count == 0 || qn == 0) {
		fprintf(stderr, "usage: dnsq [options] --server ADDR NAME TYPE...\n");
		return 2;
	}
	al_dns_engine *engine = NULL;
	if (al_dns_engine_new(&engine, &eo) != AL_OK)
		return 2;
	req.servers = servers;
	req.server_count = server_count;
	for (size_t i = 0; i < qn; i++) {
		req.name = names[i];
		req.type = (uint16_t)types[i];
		al_status st = al_dns_query(engine, &req, on_reply, (void *)i);
		if (st != AL_OK) {
			printf("{\"name\":\"%s\",\"error\":\"%s\"}\n", names[i], al_status_name(st));
			done_count++;
		}
	}
	al_dns_engine_run(engine);
	for (size_t i = 0; i < qn; i++) {
		al_dns_reply *r = replies[i];
		if (r == NULL)
			continue;
		al_strbuf sb = AL_STRBUF_INIT;
		char rb[16];
		al_strbuf_puts(&sb, "{\"name\":");
		put_str(&sb, r->qname);
		al_strbuf_printf(&sb, ",\"type\":%u,\"outcome\":\"%s\",\"rcode\":\"%s\"", (unsigned)r->qtype,
				 al_dns_outcome_name(r->outcome), al_dns_rcode_text(r->rcode, rb));
		al_strbuf_printf(&sb,
				 ",\"aa\":%s,\"tc\":%s,\"rd\":%s,\"ra\":%s,\"edns\":%s,\"tcp\":%s,"
				 "\"truncated_udp\":%s,\"tries\":%u,\"server\":",
				 r->aa ? "true" : "false", r->tc ? "true" : "false", r->rd ? "true" : "false",
				 r->ra ? "true" : "false", r->edns ? "true" : "false", r->tcp ? "true" : "false",
				 r->truncated_udp ? "true" : "false", r->tries);
		put_str(&sb, r->server);
		al_strbuf_printf(&sb, ",\"server_index\":%u,\"wrong_id\":%u,\"wrong_question\":%u,\"malformed\":%u",
				 r->server_index, r->wrong_id, r->wrong_question, r->malformed);
		al_strbuf_printf(&sb, ",\"elapsed\":%.3f,\"size\":%zu,\"detail\":", r->elapsed, r->message_size);
		if (r->detail)
			put_str(&sb, r->detail);
		else
			al_strbuf_puts(&sb, "null");
		put_rrs(&sb, "answer", r->answer, r->answer_count);
		put_rrs(&sb, "authority", r->authority, r->authority_count);
		put_rrs(&sb, "additional", r->additional, r->additional_count);
		al_strbuf_putc(&sb, '}');
		puts(al_strbuf_cstr(&sb));
		al_strbuf_free(&sb);
		al_dns_reply_free(r);
	}
	const al_dns_engine_stats *s = al_dns_engine_get_stats(engine);
	printf("{\"stats\":{\"queries\":%zu,\"sent\":%zu,\"received\":%zu,\"retries\":%zu,\"timeouts\":%zu,"
	       "\"tcp\":%zu,\"wrong_source\":%zu,\"wrong_id\":%zu,\"wrong_question\":%zu,\"malformed\":%zu}}\n",
	       s->queries, s->sent, s->received, s->retries, s->timeouts, s->tcp, s->dropped_wrong_source,
	       s->dropped_wrong_id, s->dropped_wrong_question, s->dropped_malformed);
	al_dns_engine_free(engine);
	return 0;
}
