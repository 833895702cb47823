/*
 * phone.c - E.164 validation, shared by every service that takes a phone
 * number (auth for registration, contacts for address books and vCards).
 */
#include <string.h>

#include "phone.h"

int
phone_e164_ok(const char *s)
{
	size_t	i, n;

	if (s[0] != '+' || s[1] < '1' || s[1] > '9')
		return 0;
	n = strlen(s + 1);
	if (n < 8 || n > 15)
		return 0;
	for (i = 1; i <= n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}
