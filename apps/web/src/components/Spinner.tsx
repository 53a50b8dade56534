import { Loader2 } from "lucide-react";

export const Spinner = ({ label = "Loading…" }: { label?: string }) => (
  <div className="loading" role="status">
    <Loader2 size={18} className="spin" aria-hidden /> {label}
  </div>
);
