import { spawn } from "node:child_process";

/** Opens a URL in the desktop's browser, if there is one; says nothing when it cannot. */
export function openUrl(url: string): void {
  const [command, args] =
    process.platform === "darwin"
      ? ["open", [url]]
      : process.platform === "win32"
        ? ["cmd", ["/c", "start", "", url]]
        : ["xdg-open", [url]];
  try {
    const child = spawn(command, args, { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // No browser on this machine: the URL has been printed anyway.
  }
}
