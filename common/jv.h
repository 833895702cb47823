/*
 * jv.h - jansson helpers for request bodies.
 *
 * A handler parses its body with jv_parse(), rejects unknown keys with
 * jv_only(), then reads each field with a typed getter that enforces
 * presence, type, length and range. Every failure is a 4xx in struct err
 * whose message names the field, so handlers never hand-roll validation:
 *
 *   400 malformed_json   body is not JSON
 *   400 expected_object  body is JSON but not an object
 *   400 unknown_field    a key not in the allowed list
 *   400 missing_field    a required key is absent
 *   400 invalid_field    wrong type, out of range, control character,
 *                        empty when min_chars > 0, bad base64url
 *   413 field_too_long   a string longer than its limit
 *
 * A JSON null counts as a wrong type, never as absent.
 */
#ifndef PARLEY_JV_H
#define PARLEY_JV_H

#include <stddef.h>

#include <jansson.h>

#include "arena.h"
#include "err.h"

/* Getter flags. */
#define JV_REQUIRED	0x01	/* absent: 400 missing_field */
#define JV_MULTILINE	0x02	/* strings may contain \n and \t */

/*
 * Parses len bytes of body into a new object reference in *out (the caller
 * json_decref()s it). On error *out is NULL.
 */
int	jv_parse(const char *body, size_t len, json_t **out, struct err *e);

/*
 * Fails with 400 unknown_field if obj has a key outside the NULL-terminated
 * list allowed.
 */
int	jv_only(const json_t *obj, const char *const *allowed, struct err *e);

/*
 * jv_parse() then jv_only(): a request body that must be a JSON object with
 * no key outside allowed. On error *out is NULL.
 */
int	jv_parse_only(const char *body, size_t len, const char *const *allowed,
	    json_t **out, struct err *e);

/*
 * A string field. Lengths are in characters (Unicode code points), not
 * bytes: max_chars of 64 admits up to 256 bytes of UTF-8. Control
 * characters (U+0000-U+001F, U+007F-U+009F) are refused, except \n and \t
 * with JV_MULTILINE. *out points into obj (valid while obj lives); it is
 * left untouched when an optional field is absent, so preset a default.
 */
int	jv_str(const json_t *obj, const char *key, int flags, size_t min_chars,
	    size_t max_chars, const char **out, struct err *e);

/* An integer field in min..max; *out untouched when optional and absent. */
int	jv_int(const json_t *obj, const char *key, int flags, json_int_t min,
	    json_int_t max, json_int_t *out, struct err *e);

/* A boolean field; *out untouched when optional and absent. */
int	jv_bool(const json_t *obj, const char *key, int flags, int *out,
	    struct err *e);

/*
 * A base64url (no padding) string decoded into the arena: the decoded size
 * must be within min_bytes..max_bytes. For keys, signatures, ciphertext.
 * *out and *out_len untouched when optional and absent.
 */
int	jv_b64url(const json_t *obj, const char *key, int flags,
	    size_t min_bytes, size_t max_bytes, struct arena *a,
	    unsigned char **out, size_t *out_len, struct err *e);

/* Counts the code points of a valid UTF-8 string of len bytes. */
size_t	jv_utf8_chars(const char *s, size_t len);

#endif
