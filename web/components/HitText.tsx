/* A search result's snippet with the matched words in <mark> (lib/chat/search). */
import { match, parts, queryTerms, snippet } from "@/lib/chat/search";

export function HitText({ text, query, max }: { text: string; query: string; max?: number }) {
  const ranges = match(text, queryTerms(query)) ?? [];
  return (
    <>
      {parts(snippet(text, ranges, max)).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  );
}
