/*
 * valid.c - the auth service's input checks and the one-time code's
 * generation and hashing. Pure functions: no I/O, so the unit tests call
 * them directly.
 */
#include <stdio.h>
#include <string.h>

#include "auth_svc.h"

#define ACCT_CODE_DOMAIN	"parley/otp/v1:"

int
acct_digits_ok(const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return s[n] == '\0';
}

void
acct_phone_mask(char out[ACCT_MASKED_MAX], const char *phone)
{
	size_t	n;

	snprintf(out, ACCT_MASKED_MAX, "%s", phone);
	n = strlen(out);
	if (n > 5)
		memset(out + n - 4, '*', 4);
	else
		snprintf(out, ACCT_MASKED_MAX, "****");
}

void
acct_code_new(char out[ACCT_CODE_LEN + 1])
{
	/* randombytes_uniform has no modulo bias. */
	snprintf(out, ACCT_CODE_LEN + 1, "%06u",
	    (unsigned)randombytes_uniform(1000000));
}

void
acct_code_hash(uint8_t out[CRYP_HASH_LEN], const char *phone,
    const char *code)
{
	crypto_generichash_state	st;

	crypto_generichash_init(&st, NULL, 0, CRYP_HASH_LEN);
	crypto_generichash_update(&st, (const unsigned char *)ACCT_CODE_DOMAIN,
	    strlen(ACCT_CODE_DOMAIN));
	crypto_generichash_update(&st, (const unsigned char *)phone,
	    strlen(phone));
	crypto_generichash_update(&st, (const unsigned char *)":", 1);
	crypto_generichash_update(&st, (const unsigned char *)code,
	    strlen(code));
	crypto_generichash_final(&st, out, CRYP_HASH_LEN);
	sodium_memzero(&st, sizeof(st));
}

int
acct_parse_id(const char *s)
{
	long	v = 0;
	size_t	i;

	if (s == NULL || s[0] < '1' || s[0] > '9' || strlen(s) > 9)
		return -1;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return (int)v;
}
