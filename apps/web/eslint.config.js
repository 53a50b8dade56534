import reactHooks from "eslint-plugin-react-hooks";
import root from "../../eslint.config.js";

// The repository's rules plus React's rules of hooks for the dashboard.
export default [...root, { files: ["**/*.{ts,tsx}"], ...reactHooks.configs.flat.recommended }];
