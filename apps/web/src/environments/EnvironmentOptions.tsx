import { useEnvironments } from "../api/resources.ts";

/** One <option> per team environment, by name; the <select> around it puts its own "none" choices first. */
export function EnvironmentOptions() {
  const environments = useEnvironments();
  return environments.data?.map((env) => (
    <option key={env.uid} value={env.uid}>
      {env.config.name}
    </option>
  ));
}
