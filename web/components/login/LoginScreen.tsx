"use client";
/*
 * Registration and login, as WhatsApp does it: phone number → 6-digit SMS
 * code → two-step PIN when the account has one → profile name on first
 * login. Each step is a form; server errors show inline under the field
 * (role=alert) in WhatsApp's words (lib/session/errors.ts).
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { auth } from "@/lib/api/auth";
import { deviceName, formatWait, isE164, loginErrorText, normalisePhone, type LoginStep } from "@/lib/session/errors";
import { refreshSession, updateProfile, type SessionState } from "@/lib/session/session";
import { formatPhone } from "@/lib/chat/model";
import { BackIcon, DefaultAvatar, LockIcon } from "../icons";
import { BrandMark } from "./BrandMark";

interface Props {
  session: SessionState;
}

export function LoginScreen({ session }: Props) {
  const initial: LoginStep = session.status === "pin" ? "pin" : session.status === "profile" ? "name" : "phone";
  const [step, setStep] = useState<LoginStep>(initial);
  const [phone, setPhone] = useState("");
  const [resendIn, setResendIn] = useState(0);

  useEffect(() => {
    if (session.status === "pin") setStep("pin");
    else if (session.status === "profile") setStep("name");
  }, [session.status]);

  async function afterLogin() {
    const s = await refreshSession();
    if (s.status === "pin") setStep("pin");
    else if (s.status === "profile") setStep("name");
  }

  return (
    <div className="login" data-step={step}>
      <header className="login-top">
        <BrandMark />
        <span className="login-brand">Parley</span>
      </header>
      <div className="login-card">
        {step === "phone" && (
          <PhoneStep
            initial={phone}
            onSent={(p, resend) => {
              setPhone(p);
              setResendIn(resend);
              setStep("code");
            }}
          />
        )}
        {step === "code" && (
          <CodeStep
            phone={phone}
            resendIn={resendIn}
            onBack={() => setStep("phone")}
            onVerified={afterLogin}
          />
        )}
        {step === "pin" && <PinStep onDone={afterLogin} />}
        {step === "name" && <NameStep />}
      </div>
      <p className="login-foot">
        <LockIcon size={14} /> Your personal messages are end-to-end encrypted
      </p>
    </div>
  );
}

function StepHead({ title, children, onBack }: { title: string; children?: ReactNode; onBack?: () => void }) {
  return (
    <div className="step-head">
      {onBack && (
        <button type="button" className="icon-btn step-back" aria-label="Back" onClick={onBack}>
          <BackIcon />
        </button>
      )}
      <h1 className="step-title">{title}</h1>
      {children && <p className="step-text">{children}</p>}
    </div>
  );
}

/** The accessibility wiring of a field's input: spread it onto the <input>. */
type FieldInputProps = { id: string; "aria-invalid": boolean; "aria-describedby": string };

function Field({
  label,
  error,
  children,
}: {
  label: string;
  error: string;
  children: (input: FieldInputProps) => ReactNode;
}) {
  const id = useId();
  const ids = { input: `${id}-in`, err: `${id}-err` };
  return (
    <div className="field" data-invalid={error !== ""}>
      <label htmlFor={ids.input} className="field-label">
        {label}
      </label>
      {children({ id: ids.input, "aria-invalid": error !== "", "aria-describedby": ids.err })}
      <p id={ids.err} className="field-error" role="alert">
        {error}
      </p>
    </div>
  );
}

function SubmitRow({ busy, children }: { busy: boolean; children: ReactNode }) {
  return (
    <div className="step-actions">
      <button type="submit" className="btn btn-primary btn-wide" disabled={busy} aria-busy={busy}>
        {children}
      </button>
    </div>
  );
}

function useBusy() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  return { busy, setBusy, error, setError };
}

function PhoneStep({ initial, onSent }: { initial: string; onSent: (phone: string, resendIn: number) => void }) {
  const [value, setValue] = useState(initial);
  const { busy, setBusy, error, setError } = useBusy();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const phone = normalisePhone(value);
    if (!isE164(phone)) {
      setError("Enter your phone number with the country code, starting with +, for example +44 7700 900123.");
      ref.current?.focus();
      return;
    }
    setBusy(true);
    setError("");
    try {
      const r = await auth.requestCode(phone);
      onSent(phone, r?.resend_in ?? 30);
    } catch (err) {
      setError(loginErrorText(err, "phone"));
      ref.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="step" onSubmit={submit} noValidate>
      <StepHead title="Enter your phone number">
        Parley will need to verify your phone number. Carrier charges may apply.
      </StepHead>
      <Field label="Phone number" error={error}>
        {(input) => (
          <input
            ref={ref}
            {...input}
            className="login-input"
            type="tel"
            inputMode="tel"
            autoComplete="tel"
            placeholder="+44 7700 900123"
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        )}
      </Field>
      <SubmitRow busy={busy}>Next</SubmitRow>
    </form>
  );
}

function useCountdown(seconds: number) {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    if (left <= 0) return;
    const t = setTimeout(() => setLeft((l) => l - 1), 1000);
    return () => clearTimeout(t);
  }, [left]);
  return [left, setLeft] as const;
}

function CodeStep({
  phone,
  resendIn,
  onBack,
  onVerified,
}: {
  phone: string;
  resendIn: number;
  onBack: () => void;
  onVerified: () => Promise<void>;
}) {
  const [code, setCode] = useState("");
  const { busy, setBusy, error, setError } = useBusy();
  const [info, setInfo] = useState("");
  const [left, setLeft] = useCountdown(resendIn);
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!/^\d{6}$/.test(code)) {
      setError("Enter the 6-digit code from the SMS.");
      ref.current?.focus();
      return;
    }
    setBusy(true);
    setError("");
    try {
      await auth.verify(phone, code, deviceName(navigator.userAgent));
      await onVerified();
    } catch (err) {
      setError(loginErrorText(err, "code"));
      setBusy(false);
      ref.current?.focus();
    }
  }

  async function resend() {
    setError("");
    setInfo("");
    try {
      const r = await auth.requestCode(phone);
      setLeft(r?.resend_in ?? 30);
      setInfo("We sent a new code.");
    } catch (err) {
      setError(loginErrorText(err, "phone"));
    }
  }

  return (
    <form className="step" onSubmit={submit} noValidate>
      <StepHead title={`Verifying ${formatPhone(phone)}`} onBack={onBack}>
        Enter the 6-digit code we sent to <b dir="ltr">{formatPhone(phone)}</b>.{" "}
        <button type="button" className="link-btn inline" onClick={onBack}>
          Wrong number?
        </button>
      </StepHead>
      <Field label="Verification code" error={error}>
        {(input) => (
          <input
            ref={ref}
            {...input}
            className="login-input code-input"
            type="text"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9]*"
            maxLength={6}
            placeholder="––– –––"
            value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, "").slice(0, 6))}
          />
        )}
      </Field>
      <p className="step-note" aria-live="polite">
        {info}
        {info && " "}
        {left > 0 ? (
          <>Didn&apos;t receive a code? You can request a new one in {formatWait(left)}.</>
        ) : (
          <button type="button" className="link-btn inline" onClick={resend}>
            Resend SMS
          </button>
        )}
      </p>
      <SubmitRow busy={busy}>Verify</SubmitRow>
    </form>
  );
}

function PinStep({ onDone }: { onDone: () => Promise<void> }) {
  const [pin, setPin] = useState("");
  const { busy, setBusy, error, setError } = useBusy();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    if (!/^\d{6}$/.test(pin)) {
      setError("Your PIN is 6 digits.");
      return;
    }
    setBusy(true);
    setError("");
    try {
      await auth.verifyPin(pin);
      await onDone();
    } catch (err) {
      setError(loginErrorText(err, "pin"));
      setPin("");
      setBusy(false);
      ref.current?.focus();
    }
  }

  return (
    <form className="step" onSubmit={submit} noValidate>
      <StepHead title="Two-step verification">Enter the 6-digit PIN you created for this account.</StepHead>
      <Field label="PIN" error={error}>
        {(input) => (
          <input
            ref={ref}
            {...input}
            className="login-input code-input masked"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            maxLength={6}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, "").slice(0, 6))}
          />
        )}
      </Field>
      <SubmitRow busy={busy}>Next</SubmitRow>
    </form>
  );
}

function NameStep() {
  const [name, setName] = useState("");
  const { busy, setBusy, error, setError } = useBusy();
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    const n = name.trim();
    if (n.length === 0) {
      setError("Enter your name.");
      return;
    }
    setBusy(true);
    setError("");
    try {
      const user = await auth.updateMe({ name: n });
      updateProfile(user);
    } catch (err) {
      setError(loginErrorText(err, "name"));
      setBusy(false);
    }
  }

  return (
    <form className="step" onSubmit={submit} noValidate>
      <StepHead title="Profile info">Please provide your name and an optional profile photo.</StepHead>
      <div className="profile-photo" aria-hidden="true">
        <DefaultAvatar size={104} />
      </div>
      <Field label="Your name" error={error}>
        {(input) => (
          <div className="input-count">
            <input
              ref={ref}
              {...input}
              className="login-input"
              type="text"
              autoComplete="name"
              maxLength={25}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
            <span className="count" aria-hidden="true">
              {25 - [...name].length}
            </span>
          </div>
        )}
      </Field>
      <SubmitRow busy={busy}>Save</SubmitRow>
    </form>
  );
}
