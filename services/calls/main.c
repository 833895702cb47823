/*
 * main.c - the calls FastCGI service: call signalling, the call log and
 * TURN credentials. Start-up, the request loop and shutdown are
 * svc_main()'s; this file names the service, its routes and its configure
 * hook, which starts the ring-timeout sweeper (sweep.c).
 */
#include "calls.h"
#include "svc.h"

int
main(int argc, char **argv)
{
	const struct svc_def def = {
		.name = "calls",
		.routes = calls_routes,
		.nroutes = calls_nroutes,
		.configure = calls_configure,
	};

	return svc_main(argc, argv, &def);
}
