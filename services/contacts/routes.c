/*
 * routes.c - the contacts service's route table. Routes are data: method,
 * pattern (":name" segments are path parameters), handler, flags.
 */
#include "contacts.h"
#include "svc.h"

const struct route contacts_routes[] = {
	{ "GET", "/api/contacts/health", svc_h_health, ROUTE_PUBLIC },
};

const size_t contacts_nroutes =
    sizeof(contacts_routes) / sizeof(contacts_routes[0]);
