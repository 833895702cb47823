/*
 * The contacts service (issue 5; services/contacts/routes.c): address book,
 * discovery, profiles, blocks, reports, privacy settings and chat-list state.
 */
import { api as defaultApi, type ApiClient } from "./client";

export interface Contact {
  phone: string;
  name: string;
  user_id?: string | null;
  on_app?: boolean;
}

export interface Profile {
  id: string;
  phone: string | null;
  name: string | null;
  about: string | null;
  photo: string | null;
  last_seen: number | string | null;
  online: boolean | null;
  contact_name: string | null;
  blocked: boolean;
}

export interface Blocked {
  user_id: string;
  phone: string;
  name: string | null;
  blocked_at: string;
}

export type Audience = "everyone" | "contacts" | "contacts_except" | "nobody";

export interface Privacy {
  last_seen?: Audience;
  online?: "everyone" | "same_as_last_seen";
  photo?: Audience;
  about?: Audience;
  status?: Audience;
  read_receipts?: boolean;
  groups?: Audience;
  default_timer?: number;
  [k: string]: unknown;
}

export interface ReportMessage {
  sender?: string;
  sent_at?: string;
  text: string;
}

export function contactsApi(c: ApiClient = defaultApi) {
  const phonePath = (p: string) => `/api/contacts/contacts/${encodeURIComponent(p)}`;
  return {
    list: () => c.get<{ contacts: Contact[] }>("/api/contacts/contacts"),
    add: (phone: string, name: string) => c.post<Contact>("/api/contacts/contacts", { phone, name }),
    rename: (phone: string, name: string) => c.request<Contact>(phonePath(phone), { method: "PATCH", body: { name } }),
    remove: (phone: string) => c.del<void>(phonePath(phone)),
    /** The .vcf file as the raw body (text/vcard). */
    importVcard: (vcf: string) =>
      c.request<unknown>("/api/contacts/import", { method: "POST", rawBody: vcf, contentType: "text/vcard" }),
    /** Which of these numbers are on Parley. */
    discover: (phones: string[]) =>
      c.post<{ registered: { phone: string; user_id: string }[] }>("/api/contacts/discover", { phones }),
    profile: (userId: string) => c.get<Profile>(`/api/contacts/users/${encodeURIComponent(userId)}`),
    blocked: () => c.get<Blocked[] | { blocks: Blocked[] }>("/api/contacts/blocks"),
    block: (userId: string) => c.put<void>(`/api/contacts/blocks/${encodeURIComponent(userId)}`),
    unblock: (userId: string) => c.del<void>(`/api/contacts/blocks/${encodeURIComponent(userId)}`),
    report: (r: { user_id?: string; chat_id?: string; reason?: string; messages?: ReportMessage[]; block?: boolean }) =>
      c.post<{ id: string }>("/api/contacts/reports", r),
    privacy: () => c.get<Privacy>("/api/contacts/privacy"),
    setPrivacy: (p: Privacy) => c.request<Privacy>("/api/contacts/privacy", { method: "PATCH", body: p }),
    chatList: () => c.get<unknown>("/api/contacts/chatlist"),
    setChatState: (chatId: string, s: Record<string, unknown>) =>
      c.request<unknown>(`/api/contacts/chatlist/${encodeURIComponent(chatId)}`, { method: "PATCH", body: s }),
  };
}

export type ContactsApi = ReturnType<typeof contactsApi>;
export const contacts: ContactsApi = contactsApi();
