"use client";
/*
 * The settings sub-pages, each replacing the left pane as in WhatsApp:
 * Profile, Account (two-step verification), Privacy, Chats, Notifications
 * and Linked devices.
 */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from "react";
import type { Me } from "@/lib/api/auth";
import type { Privacy } from "@/lib/api/contacts";
import { getRelayOnly, setRelayOnly } from "@/lib/rtc/calls";
import { engine } from "@/lib/chat/engine";
import { useChatState } from "@/lib/chat/state";
import { deleteAccount, getPrivacy, listDevices, removeDevice, removePin, saveProfile, setPin, setPrivacy } from "@/lib/session/account";
import { useThemePref } from "@/lib/store/theme-store";
import { DefaultAvatar } from "../icons";
import { PanelHeader } from "../PanelHeader";

export type SettingsPage = "profile" | "account" | "privacy" | "chats" | "notifications" | "devices";

function Toggle({ label, sub, checked, onChange }: { label: string; sub?: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <label className="setting-toggle" htmlFor={id}>
      <span className="row-body">
        <span className="row-title">{label}</span>
        {sub && <span className="row-sub wrap">{sub}</span>}
      </span>
      <input id={id} type="checkbox" role="switch" className="switch" checked={checked} onChange={(e) => onChange(e.target.checked)} />
    </label>
  );
}

function Section({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <section className="settings-section">
      {title && <h2 className="section-title small">{title}</h2>}
      {children}
    </section>
  );
}

function EditableField({
  label,
  value,
  max,
  onSave,
}: {
  label: string;
  value: string;
  max: number;
  onSave: (v: string) => Promise<string | null>;
}) {
  const id = useId();
  const [v, setV] = useState(value);
  const [err, setErr] = useState("");
  const [saved, setSaved] = useState(false);
  useEffect(() => setV(value), [value]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const r = await onSave(v.trim());
    setErr(r ?? "");
    setSaved(r === null);
  }
  return (
    <form className="edit-field" onSubmit={submit} noValidate>
      <label htmlFor={id} className="section-label">
        {label}
      </label>
      <div className="edit-row">
        <input id={id} className="line-input" value={v} maxLength={max} onChange={(e) => setV(e.target.value)} aria-invalid={err !== ""} />
        <span className="count" aria-hidden="true">
          {max - [...v].length}
        </span>
        <button type="submit" className="btn btn-secondary small-btn" aria-label={`Save ${label.toLowerCase()}`}>
          Save
        </button>
      </div>
      <p className="field-error" role="alert">
        {err}
      </p>
      {saved && <p className="saved-note" role="status">Saved</p>}
    </form>
  );
}

function ProfilePage({ me }: { me: Me }) {
  return (
    <div className="scroll">
      <div className="profile-big" aria-hidden="true">
        <DefaultAvatar size={200} />
      </div>
      <EditableField
        label="Name"
        value={me.name ?? ""}
        max={25}
        onSave={async (name) => {
          if (!name) return "Your name can't be empty.";
          const r = await saveProfile({ name });
          return r.ok ? null : r.error;
        }}
      />
      <p className="section-note">This is not your username or PIN. This name will be visible to your Parley contacts.</p>
      <EditableField
        label="About"
        value={me.about ?? ""}
        max={139}
        onSave={async (about) => {
          const r = await saveProfile({ about });
          return r.ok ? null : r.error;
        }}
      />
      <div className="edit-field">
        <span className="section-label">Phone</span>
        <p className="plain-value">{me.phone}</p>
      </div>
    </div>
  );
}

function PinForm({ hasPin }: { hasPin: boolean }) {
  const [pin, setPinV] = useState("");
  const [confirm, setConfirm] = useState("");
  const [current, setCurrent] = useState("");
  const [msg, setMsg] = useState("");
  const [err, setErr] = useState("");
  async function enable(e: FormEvent) {
    e.preventDefault();
    setMsg("");
    if (!/^\d{6}$/.test(pin)) return setErr("The PIN is 6 digits.");
    if (pin !== confirm) return setErr("The PINs don't match.");
    const r = await setPin(pin);
    if (r.ok) {
      setErr("");
      setMsg(hasPin ? "PIN changed." : "Two-step verification is on.");
      setPinV("");
      setConfirm("");
    } else setErr(r.error);
  }
  async function disable(e: FormEvent) {
    e.preventDefault();
    setMsg("");
    const r = await removePin(current);
    if (r.ok) {
      setErr("");
      setMsg("Two-step verification is off.");
      setCurrent("");
    } else setErr(r.error);
  }
  const num = { inputMode: "numeric" as const, maxLength: 6, autoComplete: "off", type: "password", className: "line-input" };
  return (
    <>
      <form className="edit-field" onSubmit={enable} noValidate>
        <label className="section-label" htmlFor="pin-new">
          {hasPin ? "New PIN" : "Create a 6-digit PIN"}
        </label>
        <input id="pin-new" {...num} value={pin} onChange={(e) => setPinV(e.target.value.replace(/\D/g, ""))} />
        <label className="section-label" htmlFor="pin-confirm">
          Confirm PIN
        </label>
        <input id="pin-confirm" {...num} value={confirm} onChange={(e) => setConfirm(e.target.value.replace(/\D/g, ""))} />
        <button type="submit" className="btn btn-primary block-btn">
          {hasPin ? "Change PIN" : "Turn on"}
        </button>
      </form>
      {hasPin && (
        <form className="edit-field" onSubmit={disable} noValidate>
          <label className="section-label" htmlFor="pin-current">
            Current PIN
          </label>
          <input id="pin-current" {...num} value={current} onChange={(e) => setCurrent(e.target.value.replace(/\D/g, ""))} />
          <button type="submit" className="btn btn-secondary block-btn danger-text">
            Turn off
          </button>
        </form>
      )}
      <p className="field-error" role="alert">
        {err}
      </p>
      {msg && (
        <p className="saved-note" role="status">
          {msg}
        </p>
      )}
    </>
  );
}

function AccountPage({ me }: { me: Me }) {
  return (
    <div className="scroll">
      <Section title="Two-step verification">
        <p className="section-note">
          For extra security, turn on two-step verification, which will require a PIN when you register your phone number with
          Parley again.
        </p>
        <PinForm hasPin={me.has_pin} />
      </Section>
      <DeleteAccount />
    </div>
  );
}

function DeleteAccount() {
  const [confirming, setConfirming] = useState(false);
  const [err, setErr] = useState("");
  return (
    <Section title="Delete this account">
      <p className="section-note">
        Deleting your account removes it from Parley, logs out all your devices and deletes messages waiting for them.
      </p>
      {confirming ? (
        <div className="edit-field">
          <button
            type="button"
            className="btn btn-secondary block-btn danger-text"
            onClick={async () => {
              const r = await deleteAccount();
              if (r.ok) engine.stop();
              else setErr(r.error);
            }}
          >
            Delete my account
          </button>
          <button type="button" className="link-btn" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <div className="edit-field">
          <button type="button" className="btn btn-secondary block-btn danger-text" onClick={() => setConfirming(true)}>
            Delete account
          </button>
        </div>
      )}
      <p className="field-error" role="alert">
        {err}
      </p>
    </Section>
  );
}

const AUDIENCE: { value: string; label: string }[] = [
  { value: "everyone", label: "Everyone" },
  { value: "contacts", label: "My contacts" },
  { value: "contacts_except", label: "My contacts except…" },
  { value: "nobody", label: "Nobody" },
];

function Radios({ legend, name, value, options, onChange }: { legend: string; name: string; value: string | undefined; options: { value: string; label: string }[]; onChange: (v: string) => void }) {
  return (
    <fieldset className="radio-set">
      <legend className="section-title small">{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="radio">
          <input type="radio" name={name} value={o.value} checked={value === o.value} onChange={() => onChange(o.value)} />
          <span>{o.label}</span>
        </label>
      ))}
    </fieldset>
  );
}

function PrivacyPage() {
  const [p, setP] = useState<Privacy | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    void getPrivacy().then((v) => (v ? setP(v) : setFailed(true)));
  }, []);
  async function change(patch: Privacy) {
    setP((cur) => ({ ...cur, ...patch }));
    const r = await setPrivacy(patch);
    if (r) setP(r);
  }
  if (failed) return <p className="section-note">Privacy settings are not available right now.</p>;
  if (!p) return <p className="section-note">Loading…</p>;
  return (
    <div className="scroll">
      <Radios legend="Last seen" name="last_seen" value={p.last_seen} options={AUDIENCE} onChange={(v) => change({ last_seen: v as Privacy["last_seen"] })} />
      <Radios
        legend="Online"
        name="online"
        value={p.online}
        options={[
          { value: "everyone", label: "Everyone" },
          { value: "same_as_last_seen", label: "Same as last seen" },
        ]}
        onChange={(v) => change({ online: v as Privacy["online"] })}
      />
      <Radios legend="Profile photo" name="photo" value={p.photo} options={AUDIENCE} onChange={(v) => change({ photo: v as Privacy["photo"] })} />
      <Radios legend="About" name="about" value={p.about} options={AUDIENCE} onChange={(v) => change({ about: v as Privacy["about"] })} />
      <Radios
        legend="Groups"
        name="groups_add"
        value={p.groups_add as string | undefined}
        options={AUDIENCE.slice(0, 3)}
        onChange={(v) => change({ groups_add: v })}
      />
      <Toggle
        label="Read receipts"
        sub="If turned off, you won't send or receive read receipts. Read receipts are always sent for group chats."
        checked={p.read_receipts !== false}
        onChange={(v) => change({ read_receipts: v })}
      />
      <Radios
        legend="Default message timer"
        name="default_timer"
        value={String(p.default_timer ?? 0)}
        options={[
          { value: "86400", label: "24 hours" },
          { value: "604800", label: "7 days" },
          { value: "7776000", label: "90 days" },
          { value: "0", label: "Off" },
        ]}
        onChange={(v) => change({ default_timer: Number(v) })}
      />
      <CallPrivacy />
    </div>
  );
}

/** WhatsApp's Privacy → Advanced → "Protect IP address in calls": every call relayed through TURN. */
function CallPrivacy() {
  const [on, setOn] = useState<boolean | null>(null);
  useEffect(() => {
    void getRelayOnly().then(setOn);
  }, []);
  if (on === null) return null;
  // WhatsApp keeps it under Privacy → Advanced.
  return (
    <Section title="Advanced">
      <Toggle
        label="Protect IP address in calls"
        sub="To make it harder for people to infer your location, calls on this account are relayed securely through Parley's servers. This will reduce call quality."
        checked={on}
        onChange={(v) => {
          setOn(v);
          void setRelayOnly(v).then((r) => r !== null && setOn(r));
        }}
      />
    </Section>
  );
}

function ChatsPage({ onTheme }: { onTheme: () => void }) {
  const theme = useThemePref();
  const enter = useChatState(() => engine.enterSends());
  return (
    <div className="scroll">
      <Section title="Display">
        <button type="button" className="row-btn settings-row" onClick={onTheme}>
          <span className="row-body">
            <span className="row-title">Theme</span>
            <span className="row-sub">{theme === "system" ? "System default" : theme === "dark" ? "Dark" : "Light"}</span>
          </span>
        </button>
      </Section>
      <Section title="Chat settings">
        <Toggle label="Enter is send" sub="Enter key will send your message" checked={enter} onChange={(v) => void engine.setEnterSends(v).then(() => engine.setSettingValue("enterSends", v))} />
      </Section>
    </div>
  );
}

function NotificationsPage() {
  const preview = useChatState(() => engine.getSettingValue("notificationPreview", true));
  const [perm, setPerm] = useState<string>(() => (typeof Notification === "undefined" ? "unsupported" : Notification.permission));
  return (
    <div className="scroll">
      <Section title="Messages">
        <Toggle
          label="Desktop notifications"
          sub={perm === "denied" ? "Blocked in the browser's site settings." : "Show notifications for new messages while Parley is in the background."}
          checked={perm === "granted"}
          onChange={async (v) => {
            if (v && typeof Notification !== "undefined") setPerm(await Notification.requestPermission());
          }}
        />
        <Toggle
          label="Show previews"
          sub="Show message text in notifications and in the chat list."
          checked={preview}
          onChange={(v) => void engine.setSettingValue("notificationPreview", v)}
        />
      </Section>
    </div>
  );
}

function DevicesPage() {
  const [list, setList] = useState<Awaited<ReturnType<typeof listDevices>>>(null);
  const [err, setErr] = useState("");
  const load = () => void listDevices().then(setList);
  useEffect(load, []);
  return (
    <div className="scroll">
      <p className="section-note">
        Use Parley on the web, desktop and other devices. {list ? `${list.devices.length} of ${list.max} devices in use.` : ""}
      </p>
      <ul className="list" role="list" aria-label="Linked devices">
        {list?.devices.map((d) => (
          <li className="row" key={d.id}>
            <div className="row-btn static">
              <span className="row-body">
                <span className="row-title">{d.name}</span>
                <span className="row-sub">
                  {d.current
                    ? "This device"
                    : d.last_active_at
                      ? `Last active ${new Date(d.last_active_at).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}`
                      : "Not active yet"}
                </span>
              </span>
              {!d.current && (
                <button
                  type="button"
                  className="btn btn-secondary small-btn danger-text"
                  aria-label={`Log out ${d.name}`}
                  onClick={async () => {
                    const r = await removeDevice(d.id);
                    if (r.ok) load();
                    else setErr(r.error);
                  }}
                >
                  Log out
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <p className="field-error" role="alert">
        {err}
      </p>
    </div>
  );
}

const TITLES: Record<SettingsPage, string> = {
  profile: "Profile",
  account: "Account",
  privacy: "Privacy",
  chats: "Chats",
  notifications: "Notifications",
  devices: "Linked devices",
};

export function SettingsSubPage({ page, me, onBack, onTheme }: { page: SettingsPage; me: Me; onBack: () => void; onTheme: () => void }) {
  return (
    <>
      <PanelHeader title={TITLES[page]} onBack={onBack} />
      {page === "profile" && <ProfilePage me={me} />}
      {page === "account" && <AccountPage me={me} />}
      {page === "privacy" && <PrivacyPage />}
      {page === "chats" && <ChatsPage onTheme={onTheme} />}
      {page === "notifications" && <NotificationsPage />}
      {page === "devices" && <DevicesPage />}
    </>
  );
}
