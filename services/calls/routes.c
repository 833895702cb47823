/*
 * routes.c - the calls service's route table. Routes are data: method,
 * pattern (":name" segments are path parameters), handler, flags. The
 * first match wins, so fixed paths come before "/api/calls/:id/...".
 */
#include "calls.h"
#include "svc.h"

const struct route calls_routes[] = {
	{ "GET", "/api/calls/health", svc_h_health, ROUTE_PUBLIC },
	{ "POST", "/api/calls/start", h_call_create, ROUTE_AUTH },
	{ "GET", "/api/calls/active", h_calls_active, ROUTE_AUTH },
	{ "GET", "/api/calls/turn", h_turn, ROUTE_AUTH },
	{ "GET", "/api/calls/settings", h_call_settings_get, ROUTE_AUTH },
	{ "PATCH", "/api/calls/settings", h_call_settings_patch, ROUTE_AUTH },
	{ "GET", "/api/calls/log", h_call_log, ROUTE_AUTH },
	{ "DELETE", "/api/calls/log", h_call_log_clear, ROUTE_AUTH },
	{ "DELETE", "/api/calls/log/:id", h_call_log_delete, ROUTE_AUTH },
	{ "POST", "/api/calls/:id/accept", h_call_accept, ROUTE_AUTH },
	{ "POST", "/api/calls/:id/decline", h_call_decline, ROUTE_AUTH },
	{ "POST", "/api/calls/:id/hangup", h_call_hangup, ROUTE_AUTH },
	{ "POST", "/api/calls/:id/signal", h_call_signal, ROUTE_AUTH },
};

const size_t calls_nroutes =
    sizeof(calls_routes) / sizeof(calls_routes[0]);
