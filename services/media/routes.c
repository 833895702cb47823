/*
 * routes.c - the media service's route table. Routes are data: method,
 * pattern (":name" segments are path parameters), handler, flags.
 */
#include "media.h"
#include "svc.h"

const struct route media_routes[] = {
	{ "GET", "/api/media/health", svc_h_health, ROUTE_PUBLIC },
};

const size_t media_nroutes =
    sizeof(media_routes) / sizeof(media_routes[0]);
