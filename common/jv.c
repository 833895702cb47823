/*
 * jv.c - validation of JSON request bodies on top of jansson. jansson
 * already rejects invalid UTF-8 and (without JSON_ALLOW_NUL) embedded NULs
 * at load time; this file adds presence, type, per-field length in
 * characters, control-character and range checks with field-named errors.
 */
#include <stdint.h>
#include <string.h>

#include "crypto.h"
#include "jv.h"

static int	jv_get(const json_t *, const char *, int, json_type,
		    const char *, json_t **, struct err *);
static int	jv_has_control(const char *, size_t, int);

/*
 * Finds key in obj with the wanted type. Returns 1 if found, 0 if absent
 * and optional, or a negative error.
 */
static int
jv_get(const json_t *obj, const char *key, int flags, json_type type,
    const char *what, json_t **out, struct err *e)
{
	json_t	*v;

	if ((v = json_object_get(obj, key)) == NULL) {
		if (flags & JV_REQUIRED)
			return err_set(e, APP_EINVAL, "missing_field",
			    "%s is required", key);
		return 0;
	}
	if (json_typeof(v) != type &&
	    !(type == JSON_TRUE && json_is_boolean(v)))
		return err_set(e, APP_EINVAL, "invalid_field",
		    "%s must be %s", key, what);
	*out = v;
	return 1;
}

/* C0, DEL and C1 controls; \n and \t allowed when multiline. */
static int
jv_has_control(const char *s, size_t len, int multiline)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (p[i] < 0x20 || p[i] == 0x7f) {
			if (multiline && (p[i] == '\n' || p[i] == '\t'))
				continue;
			return 1;
		}
		/* U+0080..U+009F are encoded as C2 80..C2 9F. */
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f)
			return 1;
	}
	return 0;
}

size_t
jv_utf8_chars(const char *s, size_t len)
{
	size_t	i, n = 0;

	/* Count every byte that is not a continuation byte (10xxxxxx). */
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

int
jv_parse(const char *body, size_t len, json_t **out, struct err *e)
{
	json_error_t	 jerr;
	json_t		*root;

	*out = NULL;
	if (body == NULL || len == 0)
		return err_set(e, APP_EINVAL, "malformed_json",
		    "request body must be a JSON object");
	if ((root = json_loadb(body, len,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr)) ==
	    NULL)
		return err_set(e, APP_EINVAL, "malformed_json",
		    "invalid JSON at line %d column %d", jerr.line,
		    jerr.column);
	if (!json_is_object(root)) {
		json_decref(root);
		return err_set(e, APP_EINVAL, "expected_object",
		    "request body must be a JSON object");
	}
	*out = root;
	return 0;
}

int
jv_only(const json_t *obj, const char *const *allowed, struct err *e)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	json_object_foreach((json_t *)obj, key, v) {
		for (i = 0; allowed[i] != NULL; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (allowed[i] == NULL)
			return err_set(e, APP_EINVAL, "unknown_field",
			    "unknown field %.64s", key);
	}
	return 0;
}

int
jv_parse_only(const char *body, size_t len, const char *const *allowed,
    json_t **out, struct err *e)
{
	int	rc;

	if ((rc = jv_parse(body, len, out, e)) != 0)
		return rc;
	if ((rc = jv_only(*out, allowed, e)) != 0) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

int
jv_str(const json_t *obj, const char *key, int flags, size_t min_chars,
    size_t max_chars, const char **out, struct err *e)
{
	json_t		*v = NULL;
	const char	*s;
	size_t		 len, chars = 0;
	int		 rc;

	if ((rc = jv_get(obj, key, flags, JSON_STRING, "a string", &v, e)) <= 0)
		return rc;
	s = json_string_value(v);
	len = json_string_length(v);
	/* Cheap bound first: a character is at most 4 bytes. */
	if ((max_chars < SIZE_MAX / 4 && len > max_chars * 4) ||
	    (chars = jv_utf8_chars(s, len)) > max_chars)
		return err_set(e, APP_ETOOLARGE, "field_too_long",
		    "%s is longer than %zu characters", key, max_chars);
	if (chars < min_chars)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "%s must have at least %zu characters", key, min_chars);
	if (jv_has_control(s, len, flags & JV_MULTILINE))
		return err_set(e, APP_EINVAL, "invalid_field",
		    "%s contains a control character", key);
	*out = s;
	return 0;
}

int
jv_int(const json_t *obj, const char *key, int flags, json_int_t min,
    json_int_t max, json_int_t *out, struct err *e)
{
	json_t		*v = NULL;
	json_int_t	 n;
	int		 rc;

	if ((rc = jv_get(obj, key, flags, JSON_INTEGER, "an integer", &v,
	    e)) <= 0)
		return rc;
	n = json_integer_value(v);
	if (n < min || n > max)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "%s must be in %" JSON_INTEGER_FORMAT "..%"
		    JSON_INTEGER_FORMAT, key, min, max);
	*out = n;
	return 0;
}

int
jv_bool(const json_t *obj, const char *key, int flags, int *out,
    struct err *e)
{
	json_t	*v = NULL;
	int	 rc;

	if ((rc = jv_get(obj, key, flags, JSON_TRUE, "a boolean", &v, e)) <= 0)
		return rc;
	*out = json_is_true(v);
	return 0;
}

int
jv_b64url(const json_t *obj, const char *key, int flags, size_t min_bytes,
    size_t max_bytes, struct arena *a, unsigned char **out, size_t *out_len,
    struct err *e)
{
	json_t		*v = NULL;
	unsigned char	*buf;
	size_t		 len, n;
	int		 rc;

	if ((rc = jv_get(obj, key, flags, JSON_STRING, "a base64url string",
	    &v, e)) <= 0)
		return rc;
	len = json_string_length(v);
	if (len > CRYP_B64URL_LEN(max_bytes))
		return err_set(e, APP_ETOOLARGE, "field_too_long",
		    "%s is longer than %zu bytes", key, max_bytes);
	buf = arena_alloc(a, max_bytes > 0 ? max_bytes : 1);
	if (cryp_b64url_decode(buf, max_bytes, json_string_value(v), len,
	    &n) != 0)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "%s must be base64url without padding, at most %zu bytes",
		    key, max_bytes);
	if (n < min_bytes)
		return err_set(e, APP_EINVAL, "invalid_field",
		    "%s must decode to at least %zu bytes", key, min_bytes);
	*out = buf;
	*out_len = n;
	return 0;
}
