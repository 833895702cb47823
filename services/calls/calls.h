/*
 * calls.h - what the calls service's files share: its route table and, as
 * they are added, its handlers. The service owns call signalling, the call
 * log and TURN credentials.
 */
#ifndef PARLEY_CALLS_H
#define PARLEY_CALLS_H

#include <stddef.h>

#include "route.h"

extern const struct route	calls_routes[];
extern const size_t		calls_nroutes;

#endif
