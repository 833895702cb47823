/*
 * messages.h - what the messages service's files share: its route table
 * and, as they are added, its handlers. The service owns chats, groups,
 * per-device envelope queues and receipts.
 */
#ifndef PARLEY_MESSAGES_H
#define PARLEY_MESSAGES_H

#include <stddef.h>

#include "route.h"

extern const struct route	messages_routes[];
extern const size_t		messages_nroutes;

#endif
