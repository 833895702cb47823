/*
 * routes.c - the auth service's route table. Routes are data: method,
 * pattern (":name" segments are path parameters), handler, flags.
 * ROUTE_PIN_OK marks what a session still waiting for its two-step PIN
 * may call.
 */
#include "auth_svc.h"
#include "svc.h"

const struct route auth_routes[] = {
	{ "GET", "/api/auth/health", svc_h_health, ROUTE_PUBLIC },
	{ "POST", "/api/auth/otp", h_otp_send, ROUTE_PUBLIC },
	{ "POST", "/api/auth/verify", h_verify, ROUTE_PUBLIC },
	{ "GET", "/api/auth/session", h_session, ROUTE_AUTH },
	{ "POST", "/api/auth/logout", h_logout, ROUTE_AUTH | ROUTE_PIN_OK },
	{ "GET", "/api/auth/me", h_me_get, ROUTE_AUTH | ROUTE_PIN_OK },
	{ "PATCH", "/api/auth/me", h_me_patch, ROUTE_AUTH },
	{ "DELETE", "/api/auth/me", h_me_delete, ROUTE_AUTH },
	{ "GET", "/api/auth/devices", h_devices_list, ROUTE_AUTH },
	{ "DELETE", "/api/auth/devices/:id", h_device_delete, ROUTE_AUTH },
	{ "PUT", "/api/auth/pin", h_pin_set, ROUTE_AUTH },
	{ "DELETE", "/api/auth/pin", h_pin_delete, ROUTE_AUTH },
	{ "POST", "/api/auth/pin/verify", h_pin_verify,
	    ROUTE_AUTH | ROUTE_PIN_OK },
	{ "PUT", "/api/auth/keys", h_keys_put, ROUTE_AUTH },
	{ "GET", "/api/auth/keys/count", h_keys_count, ROUTE_AUTH },
	{ "GET", "/api/auth/keys/:user", h_keys_identities, ROUTE_AUTH },
	{ "GET", "/api/auth/keys/:user/:device", h_keys_get, ROUTE_AUTH },
};

const size_t auth_nroutes =
    sizeof(auth_routes) / sizeof(auth_routes[0]);
