/*
 * valid_test.c - the auth service's input checks, code generation and
 * code hashing (valid.c), and the PIN's Argon2id hashing (pin.c).
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "../../../../services/auth/auth_svc.h"
#include "cfg.h"

static void
setup(void)
{
	struct err	e;

	cr_assert_eq(cryp_init(), 0);
	/* Small Argon2id limits keep the PIN tests quick. */
	setenv("PARLEY_PIN_OPSLIMIT", "1", 1);
	setenv("PARLEY_PIN_MEMLIMIT", "65536", 1);
	cr_assert_eq(cfg_load(&e), 0, "%s", e.msg);
}

TestSuite(valid, .init = setup);

Test(valid, digits)
{
	cr_expect(acct_digits_ok("123456", 6));
	cr_expect(acct_digits_ok("000000", 6));
	cr_expect_not(acct_digits_ok("12345", 6));
	cr_expect_not(acct_digits_ok("1234567", 6));
	cr_expect_not(acct_digits_ok("12345a", 6));
	cr_expect_not(acct_digits_ok(" 12345", 6));
	cr_expect_not(acct_digits_ok("", 6));
}

Test(valid, phone_mask_hides_last_four)
{
	char	out[ACCT_MASKED_MAX];

	acct_phone_mask(out, "+447700900123");
	cr_assert_str_eq(out, "+44770090****");
	acct_phone_mask(out, "+1234");
	cr_assert_str_eq(out, "****");
}

Test(valid, codes_are_six_digits_and_vary)
{
	char	a[ACCT_CODE_LEN + 1], b[ACCT_CODE_LEN + 1];
	int	i, same = 0;

	for (i = 0; i < 100; i++) {
		acct_code_new(a);
		acct_code_new(b);
		cr_assert(acct_digits_ok(a, 6), "%s", a);
		same += strcmp(a, b) == 0;
	}
	cr_expect_lt(same, 3);
}

Test(valid, code_hash_is_domain_separated_blake2b)
{
	/* printf %s 'parley/otp/v1:+447700900123:123456' | b2sum -l 256 */
	static const char want[] =
	    "0f00e87c43510ad5868e19543a573d7d226e0c6bb4f091ba58a6433b59b77082";
	uint8_t	h[CRYP_HASH_LEN], h2[CRYP_HASH_LEN];
	char	hex[2 * CRYP_HASH_LEN + 1];

	acct_code_hash(h, "+447700900123", "123456");
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	cr_assert_str_eq(hex, want);
	acct_code_hash(h2, "+447700900124", "123456");
	cr_expect_neq(memcmp(h, h2, sizeof(h)), 0, "bound to the phone");
	acct_code_hash(h2, "+447700900123", "123457");
	cr_expect_neq(memcmp(h, h2, sizeof(h)), 0);
}

Test(valid, ids)
{
	cr_expect_eq(acct_parse_id("1"), 1);
	cr_expect_eq(acct_parse_id("42"), 42);
	cr_expect_eq(acct_parse_id("999999999"), 999999999);
	cr_expect_eq(acct_parse_id("0"), -1);
	cr_expect_eq(acct_parse_id("01"), -1);
	cr_expect_eq(acct_parse_id("-1"), -1);
	cr_expect_eq(acct_parse_id("+1"), -1);
	cr_expect_eq(acct_parse_id("1a"), -1);
	cr_expect_eq(acct_parse_id("1000000000"), -1);
	cr_expect_eq(acct_parse_id(""), -1);
	cr_expect_eq(acct_parse_id(NULL), -1);
}

Test(valid, pin_hash_is_argon2id_and_salted)
{
	char		h1[ACCT_PIN_HASH_LEN], h2[ACCT_PIN_HASH_LEN];
	struct err	e;

	cr_assert_eq(pin_hash(h1, "123456", &e), 0);
	cr_assert_eq(pin_hash(h2, "123456", &e), 0);
	cr_expect_eq(strncmp(h1, "$argon2id$", 10), 0, "%s", h1);
	cr_expect_str_neq(h1, h2, "salted");
	cr_expect_null(strstr(h1, "123456"));
	cr_expect(pin_matches(h1, "123456"));
	cr_expect(pin_matches(h2, "123456"));
	cr_expect_not(pin_matches(h1, "123457"));
	cr_expect_not(pin_matches(h1, ""));
	cr_expect_not(pin_matches("not a hash", "123456"));
}
