import Anser from "anser";
import { memo, type CSSProperties, type ReactNode } from "react";

/** Splits text at each (case-insensitive) occurrence of `query`, marking the matches. */
function highlight(text: string, query: string | undefined, key: string): ReactNode {
  if (!query) return text;
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const parts: ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(q); at !== -1; at = lower.indexOf(q, from)) {
    if (at > from) parts.push(text.slice(from, at));
    parts.push(<mark key={`${key}-${at}`}>{text.slice(at, at + q.length)}</mark>);
    from = at + q.length;
  }
  if (from === 0) return text;
  parts.push(text.slice(from));
  return parts;
}

/** Anser's standard colours are for black; these read well on the log's dark blue (bright ones pass through). */
const READABLE: Record<string, string> = {
  "0, 0, 0": "100, 116, 139",
  "187, 0, 0": "248, 113, 113",
  "0, 187, 0": "74, 222, 128",
  "187, 187, 0": "250, 204, 21",
  "0, 0, 187": "96, 165, 250",
  "187, 0, 187": "232, 121, 249",
  "0, 187, 187": "34, 211, 238",
};
const rgb = (c: string) => `rgb(${READABLE[c] ?? c})`;

/**
 * One line of terminal output with its ANSI SGR colours and styles (bold, underline, …) as spans; any other escape
 * sequence is dropped. Colours come as rgb from Anser and are meant for the dark log background.
 */
export const AnsiText = memo(function AnsiText({ text, query }: { text: string; query?: string }) {
  if (!text.includes("\u001b")) return <>{highlight(text, query, "p")}</>;
  const chunks = Anser.ansiToJson(text, { remove_empty: true });
  return (
    <>
      {chunks.map((c, i) => {
        const style: CSSProperties = {};
        if (c.fg) style.color = rgb(c.fg);
        if (c.bg) style.backgroundColor = `rgb(${c.bg})`;
        const d = c.decorations ?? [];
        if (d.includes("bold")) style.fontWeight = 700;
        if (d.includes("dim")) style.opacity = 0.7;
        if (d.includes("italic")) style.fontStyle = "italic";
        if (d.includes("underline")) style.textDecoration = "underline";
        if (d.includes("strikethrough")) style.textDecoration = "line-through";
        const content = highlight(c.content, query, String(i));
        return Object.keys(style).length > 0 ? (
          <span key={i} style={style} data-ansi="">
            {content}
          </span>
        ) : (
          <span key={i}>{content}</span>
        );
      })}
    </>
  );
});
