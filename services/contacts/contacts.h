/*
 * contacts.h - what the contacts service's files share: its route table
 * and, as they are added, its handlers. The service owns profiles,
 * contacts, blocks, privacy settings and chat-list state.
 */
#ifndef PARLEY_CONTACTS_H
#define PARLEY_CONTACTS_H

#include <stddef.h>

#include "route.h"

extern const struct route	contacts_routes[];
extern const size_t		contacts_nroutes;

#endif
