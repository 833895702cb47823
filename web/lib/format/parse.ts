/*
 * WhatsApp's message formatting, parsed into a small tree (never HTML):
 *
 *   *bold*  _italic_  ~strike~  ```monospace```  `inline code`
 *   "- " or "* " bulleted lines, "1. " numbered lines, "> " quoted lines
 *   http(s):// and www. links
 *
 * Rules as WhatsApp applies them: a marker opens only at the start of the text
 * or after a non-word character and must be followed by a non-space; it closes
 * on the same line at the first matching marker preceded by a non-space and not
 * followed by a word character. ``` spans may cross lines and are verbatim;
 * `code` is verbatim. Markers that do not pair stay as text.
 */

export type Inline =
  | { t: "text"; v: string }
  | { t: "b" | "i" | "s"; c: Inline[] }
  | { t: "code"; v: string }
  | { t: "mono"; v: string }
  | { t: "link"; href: string; v: string };

export type Block =
  | { t: "line"; c: Inline[] }
  | { t: "ul"; items: Inline[][] }
  | { t: "ol"; start: number; items: Inline[][] }
  | { t: "quote"; lines: Inline[][] };

const PH = "\u0000"; // placeholder delimiter for ``` spans (never typed by people)
const EMPH: Record<string, "b" | "i" | "s"> = { "*": "b", _: "i", "~": "s" };
const WORD = /[\p{L}\p{N}]/u;
const SPACE = /\s/;
// A link: scheme or www., then anything but whitespace and a few delimiters.
const URL_RE = /(?:https?:\/\/|www\.)[^\s<>"\u0000]+/iy;

function isWord(ch: string | undefined): boolean {
  return ch !== undefined && WORD.test(ch);
}

/** Trailing punctuation is not part of a link; a ")" is, when it closes a "(" inside it. */
function trimUrl(u: string): string {
  let s = u;
  for (;;) {
    const last = s[s.length - 1];
    if (last === undefined) return s;
    if (".,;:!?'\"*_~`".includes(last)) s = s.slice(0, -1);
    else if (last === ")" && (s.match(/\(/g)?.length ?? 0) < (s.match(/\)/g)?.length ?? 0)) s = s.slice(0, -1);
    else return s;
  }
}

export function safeHref(raw: string): string | null {
  const href = /^www\./i.test(raw) ? `https://${raw}` : raw;
  try {
    const u = new URL(href);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

function parseInline(s: string, monos: string[]): Inline[] {
  const out: Inline[] = [];
  let buf = "";
  const flush = () => {
    if (buf) out.push({ t: "text", v: buf });
    buf = "";
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === PH) {
      const j = s.indexOf(PH, i + 1);
      const idx = Number(s.slice(i + 1, j));
      flush();
      out.push({ t: "mono", v: monos[idx] ?? "" });
      i = j + 1;
      continue;
    }
    if (ch === "`") {
      const j = s.indexOf("`", i + 1);
      if (j > i + 1) {
        flush();
        out.push({ t: "code", v: s.slice(i + 1, j) });
        i = j + 1;
        continue;
      }
    }
    if ((ch === "h" || ch === "H" || ch === "w" || ch === "W") && !isWord(s[i - 1]) && s[i - 1] !== "/") {
      URL_RE.lastIndex = i;
      const m = URL_RE.exec(s);
      if (m) {
        const raw = trimUrl(m[0]);
        const href = raw.length > 4 ? safeHref(raw) : null;
        if (href) {
          flush();
          out.push({ t: "link", href, v: raw });
          i += raw.length;
          continue;
        }
      }
    }
    const kind = EMPH[ch];
    if (kind && !isWord(s[i - 1]) && s[i + 1] !== undefined && !SPACE.test(s[i + 1]!) && s[i + 1] !== ch) {
      let close = -1;
      for (let k = i + 2; k < s.length; k++) {
        if (s[k] === PH) {
          k = s.indexOf(PH, k + 1);
          continue;
        }
        if (s[k] === ch && !SPACE.test(s[k - 1]!) && !isWord(s[k + 1])) {
          close = k;
          break;
        }
      }
      if (close > 0) {
        flush();
        out.push({ t: kind, c: parseInline(s.slice(i + 1, close), monos) });
        i = close + 1;
        continue;
      }
    }
    buf += ch;
    i++;
  }
  flush();
  return out;
}

const UL_RE = /^[-*•] (.*)$/;
const OL_RE = /^(\d{1,9})\. (.*)$/;
const QUOTE_RE = /^> ?(.*)$/;

export function parseMessage(text: string): Block[] {
  // ``` spans first: verbatim, may cross lines.
  const monos: string[] = [];
  const src = text.replace(/\r\n?/g, "\n").replace(/\u0000/g, "").replace(/```([\s\S]+?)```/g, (_m, body: string) => {
    monos.push(body);
    return `${PH}${monos.length - 1}${PH}`;
  });
  // A ``` span that crossed lines is restored whole into the line that opens it.
  const lines = src.split("\n");
  const blocks: Block[] = [];
  for (const line of lines) {
    const prev = blocks[blocks.length - 1];
    let m: RegExpMatchArray | null;
    if ((m = line.match(UL_RE))) {
      const item = parseInline(m[1]!, monos);
      if (prev?.t === "ul") prev.items.push(item);
      else blocks.push({ t: "ul", items: [item] });
    } else if ((m = line.match(OL_RE))) {
      const item = parseInline(m[2]!, monos);
      if (prev?.t === "ol") prev.items.push(item);
      else blocks.push({ t: "ol", start: Number(m[1]), items: [item] });
    } else if (line.startsWith(">") && (m = line.match(QUOTE_RE))) {
      const l = parseInline(m[1]!, monos);
      if (prev?.t === "quote") prev.lines.push(l);
      else blocks.push({ t: "quote", lines: [l] });
    } else {
      blocks.push({ t: "line", c: parseInline(line, monos) });
    }
  }
  return blocks;
}

/** The text without markers (chat-list previews, notifications, copy). */
export function plainText(text: string): string {
  const inl = (xs: Inline[]): string =>
    xs.map((x) => (x.t === "text" || x.t === "code" || x.t === "mono" || x.t === "link" ? x.v : inl(x.c))).join("");
  return parseMessage(text)
    .map((b) =>
      b.t === "line"
        ? inl(b.c)
        : b.t === "quote"
          ? b.lines.map(inl).join(" ")
          : b.items.map(inl).join(" "),
    )
    .join(" ")
    .trim();
}
