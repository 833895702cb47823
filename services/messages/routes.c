/*
 * routes.c - the messages service's route table. Routes are data: method,
 * pattern (":name" segments are path parameters), handler, flags.
 */
#include "messages.h"
#include "svc.h"

const struct route messages_routes[] = {
	{ "GET", "/api/messages/health", svc_h_health, ROUTE_PUBLIC },
	{ "POST", "/api/messages/chats", h_chat_create, ROUTE_AUTH },
	{ "GET", "/api/messages/chats", h_chat_list, ROUTE_AUTH },
	{ "POST", "/api/messages/send", h_send, ROUTE_AUTH },
	{ "GET", "/api/messages/inbox", h_inbox, ROUTE_AUTH },
	{ "POST", "/api/messages/ack", h_ack, ROUTE_AUTH },
	{ "POST", "/api/messages/read", h_read, ROUTE_AUTH },
	{ "POST", "/api/messages/typing", h_typing, ROUTE_AUTH },
	{ "POST", "/api/messages/presence", h_presence, ROUTE_AUTH },
};

const size_t messages_nroutes =
    sizeof(messages_routes) / sizeof(messages_routes[0]);
