import type { ReactNode } from "react";

/** The centred card of the pages one reaches before being signed in (setup, invitations). */
export function AuthCard({ children }: { children: ReactNode }) {
  return (
    <main className="login">
      <div className="login-card">
        <div className="brand large">
          <span className="logo">oz</span> Oz
        </div>
        {children}
      </div>
    </main>
  );
}
