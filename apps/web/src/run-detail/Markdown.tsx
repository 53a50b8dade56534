import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

// Links leave the dashboard in a new tab and tell the target nothing about us.
const components: Components = {
  a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noreferrer noopener" />,
};

/**
 * What an agent wrote, as Markdown (GitHub flavour: tables, task lists, strikethrough). Raw HTML in the text is
 * shown as text, never rendered, and react-markdown drops unsafe URLs (javascript: and the like).
 */
export function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown remarkPlugins={[remarkGfm]} components={components}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
