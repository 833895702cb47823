/*
 * main.c - the auth FastCGI service: accounts, one-time codes, sessions,
 * devices and the key directory. Start-up, the request loop and shutdown
 * are svc_main()'s; this file only names the service and its routes.
 */
#include "auth.h"
#include "svc.h"

int
main(int argc, char **argv)
{
	const struct svc_def def = {
		.name = "auth",
		.routes = auth_routes,
		.nroutes = auth_nroutes,
	};

	return svc_main(argc, argv, &def);
}
