/*
 * Renders parseMessage()'s tree as React elements: text stays text (React
 * escapes it), links are <a rel="noopener noreferrer" target="_blank"> to
 * http(s) URLs only. No dangerouslySetInnerHTML anywhere.
 */
import { createElement as h, Fragment, type ReactNode } from "react";
import { parseMessage, type Block, type Inline } from "./parse";

function inline(xs: Inline[], key: string): ReactNode[] {
  return xs.map((x, n) => {
    const k = `${key}.${n}`;
    switch (x.t) {
      case "text":
        return x.v;
      case "b":
        return h("strong", { key: k }, ...inline(x.c, k));
      case "i":
        return h("em", { key: k }, ...inline(x.c, k));
      case "s":
        return h("del", { key: k }, ...inline(x.c, k));
      case "code":
        return h("code", { key: k, className: "f-code" }, x.v);
      case "mono":
        return h("code", { key: k, className: "f-mono" }, x.v);
      case "link":
        return h("a", { key: k, href: x.href, target: "_blank", rel: "noopener noreferrer", className: "f-link" }, x.v);
    }
  });
}

function block(b: Block, n: number, last: boolean): ReactNode {
  const k = String(n);
  switch (b.t) {
    case "line":
      return h(Fragment, { key: k }, ...inline(b.c, k), last ? null : "\n");
    case "ul":
      return h("ul", { key: k, className: "f-ul" }, ...b.items.map((it, i) => h("li", { key: i }, ...inline(it, `${k}.${i}`))));
    case "ol":
      return h(
        "ol",
        { key: k, className: "f-ol", start: b.start },
        ...b.items.map((it, i) => h("li", { key: i }, ...inline(it, `${k}.${i}`))),
      );
    case "quote":
      return h(
        "blockquote",
        { key: k, className: "f-quote" },
        ...b.lines.flatMap((l, i) => [...inline(l, `${k}.${i}`), i < b.lines.length - 1 ? "\n" : null]),
      );
  }
}

export function renderMessage(text: string): ReactNode {
  const blocks = parseMessage(text);
  return h(Fragment, null, ...blocks.map((b, i) => block(b, i, i === blocks.length - 1 || blocks[i + 1]!.t !== "line")));
}
