/* SPDX-License-Identifier: GPL-3.0-or-later */
/**
 * @file export.h
 * AL_EXPORT marks what libauthlint exports: every function declared in the
 * public headers, and nothing else (the library is built with hidden
 * visibility; tests/symbols.py fails when an internal symbol leaks).
 */
#ifndef AUTHLINT_EXPORT_H
#define AUTHLINT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define AL_EXPORT __attribute__((visibility("default")))
#else
#define AL_EXPORT
#endif

#endif
