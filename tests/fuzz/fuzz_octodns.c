/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The octodns reader on arbitrary bytes read as octoDNS zone YAML (a zone file named for its zone),
 * then the zone lint (fuzz_input.h).
 */
#include "fuzz_input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_input(data, size, AL_INPUT_OCTODNS, "example.com.yaml");
}
