/*
 * routes.c - the auth service's route table. Routes are data: method,
 * pattern (":name" segments are path parameters), handler, flags.
 */
#include "auth.h"
#include "svc.h"

const struct route auth_routes[] = {
	{ "GET", "/api/auth/health", svc_h_health, ROUTE_PUBLIC },
};

const size_t auth_nroutes =
    sizeof(auth_routes) / sizeof(auth_routes[0]);
