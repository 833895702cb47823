/* The typed API: one module per service, all over the one same-origin client. */
export { ApiError, api, createApiClient, type ApiClient } from "./client";
export { auth, authApi, type AuthApi } from "./auth";
export { messages, messagesApi, type MessagesApi } from "./messages";
export { contacts, contactsApi, type ContactsApi } from "./contacts";
export { calls, callsApi, type CallsApi } from "./calls";
