/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The dnscontrol reader on arbitrary bytes read as DNSControl's print-ir JSON,
 * then the zone lint (fuzz_input.h).
 */
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_input(data, size, AL_INPUT_DNSCONTROL, "ir.json");
}
