/*
 * routes.c - the messages service's route table. Routes are data: method,
 * pattern (":name" segments are path parameters), handler, flags.
 */
#include "messages.h"
#include "svc.h"

const struct route messages_routes[] = {
	{ "GET", "/api/messages/health", svc_h_health, ROUTE_PUBLIC },
};

const size_t messages_nroutes =
    sizeof(messages_routes) / sizeof(messages_routes[0]);
