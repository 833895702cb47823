import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { parseMessage, plainText, safeHref } from "./parse";
import { renderMessage } from "./render";

const html = (s: string) => renderToStaticMarkup(createElement("div", null, renderMessage(s)));
const inner = (s: string) => html(s).replace(/^<div>|<\/div>$/g, "");

describe("inline formatting", () => {
  it.each([
    ["*bold*", "<strong>bold</strong>"],
    ["_italic_", "<em>italic</em>"],
    ["~strike~", "<del>strike</del>"],
    ["```mono```", '<code class="f-mono">mono</code>'],
    ["`code`", '<code class="f-code">code</code>'],
    ["a *b* c", "a <strong>b</strong> c"],
    ["*_both_*", "<strong><em>both</em></strong>"],
    ["_*both*_", "<em><strong>both</strong></em>"],
    ["~*x* y~", "<del><strong>x</strong> y</del>"],
    ["(*x*)", "(<strong>x</strong>)"],
    ["*a b c*!", "<strong>a b c</strong>!"],
  ])("%s", (src, out) => expect(inner(src)).toBe(out));

  it.each([
    ["2*3*4", "2*3*4"],
    ["x * not bold*", "x * not bold*"],
    ["*not bold *", "*not bold *"],
    ["snake_case_name", "snake_case_name"],
    ["**", "**"],
    ["*", "*"],
    ["a*b", "a*b"],
    ["*open only", "*open only"],
    ["*line\nbreak*", "*line\nbreak*"],
  ])("leaves %j alone", (src, out) => expect(inner(src)).toBe(out));

  it("is verbatim inside code and monospace", () => {
    expect(inner("`*no* _fmt_`")).toBe('<code class="f-code">*no* _fmt_</code>');
    expect(inner("```*no*\n_fmt_```")).toBe('<code class="f-mono">*no*\n_fmt_</code>');
    expect(inner("x ```a``` *y*")).toBe('x <code class="f-mono">a</code> <strong>y</strong>');
  });
});

describe("links", () => {
  it("links http(s) and www with safe attributes", () => {
    expect(inner("see https://example.com/a?b=1.")).toBe(
      'see <a href="https://example.com/a?b=1" target="_blank" rel="noopener noreferrer" class="f-link">https://example.com/a?b=1</a>.',
    );
    expect(inner("www.example.org")).toContain('href="https://www.example.org/"');
    expect(inner("(https://en.wikipedia.org/wiki/Foo_(bar))")).toContain('href="https://en.wikipedia.org/wiki/Foo_(bar)"');
    expect(inner("https://x.test/a_b_c")).not.toContain("<em>");
  });
  it("never links other schemes", () => {
    for (const s of ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "vbscript:x"]) {
      expect(html(s)).not.toContain("<a");
    }
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref("https://ok.test")).toBe("https://ok.test/");
  });
  it("formats around links", () => {
    expect(inner("*https://a.test*")).toBe(
      '<strong><a href="https://a.test/" target="_blank" rel="noopener noreferrer" class="f-link">https://a.test</a></strong>',
    );
  });
});

describe("blocks", () => {
  it("bulleted and numbered lists", () => {
    expect(inner("- one\n- *two*")).toBe('<ul class="f-ul"><li>one</li><li><strong>two</strong></li></ul>');
    expect(inner("* a\n* b")).toBe('<ul class="f-ul"><li>a</li><li>b</li></ul>');
    expect(inner("3. c\n4. d")).toBe('<ol class="f-ol" start="3"><li>c</li><li>d</li></ol>');
  });
  it("quotes", () => {
    expect(inner("> quoted _text_\n> more\nreply")).toBe(
      '<blockquote class="f-quote">quoted <em>text</em>\nmore</blockquote>reply',
    );
  });
  it("keeps line breaks between plain lines", () => {
    expect(inner("a\nb\n\nc")).toBe("a\nb\n\nc");
    expect(parseMessage("x\n- y")).toEqual([
      { t: "line", c: [{ t: "text", v: "x" }] },
      { t: "ul", items: [[{ t: "text", v: "y" }]] },
    ]);
  });
});

describe("safety", () => {
  it("escapes markup as text", () => {
    const out = html('<img src=x onerror="alert(1)"> <script>alert(1)</script> *<b>*');
    expect(out).not.toContain("<img");
    expect(out).not.toContain("<script");
    expect(out).toContain("&lt;img");
    expect(out).toContain("<strong>&lt;b&gt;</strong>");
  });
  it("strips NULs so placeholders cannot be forged", () => {
    expect(inner("\u00000\u0000")).toBe("0");
  });
});

describe("plainText", () => {
  it("drops markers", () => {
    expect(plainText("*hi* _there_\n- a\n> q")).toBe("hi there a q");
  });
});
