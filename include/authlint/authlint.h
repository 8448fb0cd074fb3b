/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file authlint.h
 * Umbrella header of libauthlint: lint the DNS records behind email
 * authentication (SPF, DKIM, DMARC) and plan DMARC enforcement.
 */
#ifndef AUTHLINT_AUTHLINT_H
#define AUTHLINT_AUTHLINT_H

#include <authlint/bulk.h>
#include <authlint/config.h>
#include <authlint/diag.h>
#include <authlint/dkim.h>
#include <authlint/dmarc.h>
#include <authlint/diff.h>
#include <authlint/dmarc_discovery.h>
#include <authlint/emit.h>
#include <authlint/findings.h>
#include <authlint/generation.h>
#include <authlint/input.h>
#include <authlint/lint.h>
#include <authlint/live.h>
#include <authlint/lock.h>
#include <authlint/message.h>
#include <authlint/bounce.h>
#include <authlint/plan.h>
#include <authlint/propagation.h>
#include <authlint/report_reader.h>
#include <authlint/reports.h>
#include <authlint/rule.h>
#include <authlint/source.h>
#include <authlint/spf.h>
#include <authlint/spf_eval.h>
#include <authlint/status.h>
#include <authlint/triage.h>
#include <authlint/version.h>

#endif
