/*
 * phone.h - phone numbers, the account identity: E.164 only.
 */
#ifndef PARLEY_PHONE_H
#define PARLEY_PHONE_H

/*
 * 1 if s is an E.164 number: '+', a first digit 1-9, 8 to 15 digits in all,
 * nothing else (no spaces or separators); 0 otherwise.
 */
int	phone_e164_ok(const char *s);

#endif
