/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Shared by spf.c and spf_macro.c; private. */
#ifndef AL_RECORD_SPF_PARSER_H
#define AL_RECORD_SPF_PARSER_H

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <authlint/spf.h>
#include "record/detect.h"
#include "record/spf_syntax.h"
#include "util/arena.h"


bool al_spfp_is_alnum(char c);
bool al_spfp_is_alpha(char c);
bool al_spfp_is_digit(char c);

#endif
