/*
 * main.c - the auth FastCGI service: accounts, one-time codes, sessions,
 * devices and the key directory. Start-up, the request loop and shutdown
 * are svc_main()'s; this file names the service, its routes and its
 * start-up check of the SMS sender.
 */
#include "auth_svc.h"
#include "svc.h"

int
main(int argc, char **argv)
{
	const struct svc_def def = {
		.name = "auth",
		.routes = auth_routes,
		.nroutes = auth_nroutes,
		.configure = sms_configure,
	};

	return svc_main(argc, argv, &def);
}
