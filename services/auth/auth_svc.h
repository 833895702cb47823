/*
 * auth.h - what the auth service's files share: its route table and, as
 * they are added, its handlers. The service owns accounts, one-time codes,
 * sessions, devices and the key directory.
 */
#ifndef PARLEY_AUTH_H
#define PARLEY_AUTH_H

#include <stddef.h>

#include "route.h"

extern const struct route	auth_routes[];
extern const size_t		auth_nroutes;

#endif
