/* Text checks shared by every dialect's validation: UTF-8 well-formedness, character counts,
 * the small shapes (email, language tag, country code) the domain uses, and a string hash. Pure
 * functions. */
#ifndef TICKETD_UTIL_TEXT_H
#define TICKETD_UTIL_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"

bool text_utf8_valid(const char *s, size_t n);
/* FNV-1a of a NUL-terminated string: for hash tables (statement caches, name sets). */
uint64_t text_hash(const char *s);
/* Valid UTF-8 but for a sequence cut short at the end (the head of a longer text). */
bool text_utf8_prefix_valid(const char *s, size_t n);
/* s with every byte but A-Z a-z 0-9 - . _ ~ written %XX (a URL path segment, RFC 5987). */
char *text_url_encode(arena *a, const char *s);
size_t text_utf8_chars(const char *s); /* code points; s must be valid UTF-8 */
bool text_is_email(const char *s);     /* one '@' with text on both sides, no spaces */
bool text_is_language(const char *s);  /* 2..16 of [A-Za-z0-9-] */
bool text_is_country(const char *s);   /* two ASCII letters */
/* Decodes the code point at s (valid UTF-8) into *cp; returns its length in bytes. */
size_t text_utf8_decode(const char *s, unsigned *cp);
/* A letter or digit in any script (what a full-text word is made of). */
bool text_is_alnum(unsigned cp);
/* Parses a decimal integer that is the whole string; false on junk, empty or overflow. */
bool text_parse_int(const char *s, long long *out);

#endif
