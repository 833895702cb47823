/*
 * main.c - the media FastCGI service: encrypted media upload and X-Accel-
 * Redirect downloads. Start-up, the request loop and shutdown are
 * svc_main()'s; this file only names the service and its routes.
 */
#include "media.h"
#include "svc.h"

int
main(int argc, char **argv)
{
	const struct svc_def def = {
		.name = "media",
		.routes = media_routes,
		.nroutes = media_nroutes,
	};

	return svc_main(argc, argv, &def);
}
