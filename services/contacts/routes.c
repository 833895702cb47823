/*
 * routes.c - the contacts service's route table. Routes are data: method,
 * pattern (":name" segments are path parameters), handler, flags.
 */
#include "contacts.h"
#include "svc.h"

const struct route contacts_routes[] = {
	{ "GET", "/api/contacts/health", svc_h_health, ROUTE_PUBLIC },
	{ "GET", "/api/contacts/contacts", h_contacts_list, ROUTE_AUTH },
	{ "POST", "/api/contacts/contacts", h_contact_add, ROUTE_AUTH },
	{ "PATCH", "/api/contacts/contacts/:phone", h_contact_rename,
	    ROUTE_AUTH },
	{ "DELETE", "/api/contacts/contacts/:phone", h_contact_delete,
	    ROUTE_AUTH },
	{ "POST", "/api/contacts/import", h_import, ROUTE_AUTH },
	{ "POST", "/api/contacts/discover", h_discover, ROUTE_AUTH },
	{ "GET", "/api/contacts/users/:id", h_profile, ROUTE_AUTH },
	{ "GET", "/api/contacts/blocks", h_blocks_list, ROUTE_AUTH },
	{ "PUT", "/api/contacts/blocks/:id", h_block, ROUTE_AUTH },
	{ "DELETE", "/api/contacts/blocks/:id", h_unblock, ROUTE_AUTH },
	{ "POST", "/api/contacts/reports", h_report, ROUTE_AUTH },
	{ "GET", "/api/contacts/privacy", h_privacy_get, ROUTE_AUTH },
	{ "PATCH", "/api/contacts/privacy", h_privacy_patch, ROUTE_AUTH },
	{ "GET", "/api/contacts/chatlist", h_chatlist_get, ROUTE_AUTH },
	{ "PATCH", "/api/contacts/chatlist/:chat", h_chat_patch, ROUTE_AUTH },
	{ "POST", "/api/contacts/lists", h_list_create, ROUTE_AUTH },
	{ "PATCH", "/api/contacts/lists/:id", h_list_patch, ROUTE_AUTH },
	{ "DELETE", "/api/contacts/lists/:id", h_list_delete, ROUTE_AUTH },
};

const size_t contacts_nroutes =
    sizeof(contacts_routes) / sizeof(contacts_routes[0]);
