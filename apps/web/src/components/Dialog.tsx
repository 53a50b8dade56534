import { X } from "lucide-react";
import { useEffect, useRef, type ReactNode } from "react";

/** A modal on the native <dialog>: focus trapping, Escape and the backdrop come with the browser. */
export function Dialog({
  title,
  onClose,
  children,
  wide,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog || dialog.open) return;
    // Older browsers (and jsdom) lack showModal: an open, non-modal dialog still shows the form.
    if (typeof dialog.showModal === "function") dialog.showModal();
    else dialog.setAttribute("open", "");
    return () => dialog?.close?.();
  }, []);
  return (
    <dialog ref={ref} className={wide ? "dialog wide" : "dialog"} onCancel={onClose} aria-label={title}>
      <header className="dialog-header">
        <h2>{title}</h2>
        <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
          <X size={18} />
        </button>
      </header>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
