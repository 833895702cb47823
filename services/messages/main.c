/*
 * main.c - the messages FastCGI service: chats, groups, per-device envelope
 * queues and receipts. Start-up, the request loop and shutdown are
 * svc_main()'s; this file names the service, its routes and its configure
 * hook, which starts the retention sweeper (sweep.c).
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
		.configure = msg_configure,
	};

	return svc_main(argc, argv, &def);
}
