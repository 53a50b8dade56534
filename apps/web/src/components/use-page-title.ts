import { useEffect } from "react";

/** The tab's title: "<page> · Oz", so tabs and history say which page (and, for a run, which state) they hold. */
export function usePageTitle(title: string | undefined) {
  useEffect(() => {
    if (title) document.title = `${title} · Oz`;
  }, [title]);
}
