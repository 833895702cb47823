/*
 * main.c - the contacts FastCGI service: profiles, contacts, blocks,
 * privacy settings and chat-list state. Start-up, the request loop and
 * shutdown are svc_main()'s; this file only names the service and its
 * routes.
 */
#include "contacts.h"
#include "svc.h"

int
main(int argc, char **argv)
{
	const struct svc_def def = {
		.name = "contacts",
		.routes = contacts_routes,
		.nroutes = contacts_nroutes,
	};

	return svc_main(argc, argv, &def);
}
