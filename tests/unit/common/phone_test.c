/*
 * phone_test.c - E.164 validation (common/phone).
 */
#include <criterion/criterion.h>

#include "phone.h"

Test(phone, e164)
{
	static const char *good[] = { "+447700900123", "+12025550123",
	    "+49301234", "+123456789012345", "+861381234567" };
	static const char *bad[] = { "", "+", "447700900123", "+0447700900",
	    "+1234567", "+1234567890123456", "+44 7700 900123",
	    "+44-7700900123", "++447700900123", "+44770090012a", "+4477009001\xef\xbc\x93",
	    " +447700900123", "+447700900123 ", "+44770090012\n" };
	size_t	i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		cr_expect(phone_e164_ok(good[i]), "%s", good[i]);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		cr_expect_not(phone_e164_ok(bad[i]), "'%s'", bad[i]);
}
