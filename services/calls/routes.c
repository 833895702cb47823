/*
 * routes.c - the calls service's route table. Routes are data: method,
 * pattern (":name" segments are path parameters), handler, flags.
 */
#include "calls.h"
#include "svc.h"

const struct route calls_routes[] = {
	{ "GET", "/api/calls/health", svc_h_health, ROUTE_PUBLIC },
};

const size_t calls_nroutes =
    sizeof(calls_routes) / sizeof(calls_routes[0]);
