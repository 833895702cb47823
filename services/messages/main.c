/*
 * main.c - the messages FastCGI service: chats, groups, per-device envelope
 * queues and receipts. Start-up, the request loop and shutdown are
 * svc_main()'s; this file only names the service and its routes.
 */
#include "messages.h"
#include "svc.h"

int
main(int argc, char **argv)
{
	const struct svc_def def = {
		.name = "messages",
		.routes = messages_routes,
		.nroutes = messages_nroutes,
	};

	return svc_main(argc, argv, &def);
}
